// model_test.cc: the networks' sizes, the flat-buffer copies, gradients.
#include "hsgd/model/model.h"

#include <cmath>
#include <cstring>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

Batch random_batch(const ImageShape& shape, size_t n, uint64_t seed) {
  Rng rng(seed);
  Batch b;
  b.shape = shape;
  b.images.resize(n * shape.pixels());
  for (float& x : b.images) x = static_cast<float>(rng.normal());
  for (size_t i = 0; i < n; ++i) b.labels.push_back(static_cast<int64_t>(rng.uniform_int(10)));
  return b;
}

TEST(Models, ParameterCountsAndShapes) {
  const std::vector<std::tuple<std::string, size_t, ImageShape>> want = {
      {"mnist-cnn", 582026, {1, 28, 28}},
      {"cifar-cnn", 122570, {3, 32, 32}},
      {"ray-tiny", 1960, {1, 28, 28}},
      {"lenet5", 62006, {3, 32, 32}}, {"mlp", 1994, {1, 1, 20}}};
  ASSERT_EQ(model_catalog().size(), want.size());
  for (const auto& [name, params, shape] : want) {
    const auto model = make_model(name, 1);
    EXPECT_EQ(model->num_params(), params) << name;
    EXPECT_EQ(model->input_shape(), shape) << name;
    EXPECT_EQ(model->name(), name);
  }
}

// Built for a data set, a model scores its classes; an MLP also takes its images.
TEST(Models, SizedForTheDataSet) {
  const auto count = [](const std::string& name, const DataShape& data) {
    return make_model(name, 1, ModelBackend::kAuto, data)->num_params();
  };
  EXPECT_EQ(count("mlp", {{1, 1, 4}, 3}), 4u * 64 + 64 + 64 * 3 + 3);
  EXPECT_EQ(count("mlp", {{1, 1, 20}, 10}), 1994u);  // synthetic: the catalog's own MLP
  EXPECT_EQ(count("mlp", {{1, 28, 28}, 10}), 784u * 64 + 64 + 64 * 10 + 10);
  EXPECT_EQ(count("mlp:8,6", {{1, 1, 4}, 3}), 4u * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3);
  EXPECT_EQ(count("mlp:8", {}), 20u * 8 + 8 + 8 * 10 + 10);  // no data: the catalog's 1x1x20 and 10 classes
  EXPECT_EQ(count("ray-tiny", {{1, 28, 28}, 5}), 30u + 192 * 5 + 5);
  EXPECT_EQ(count("lenet5", {{3, 32, 32}, 100}), 62006u - 850 + 84 * 100 + 100);
  for (auto backend : {ModelBackend::kFast, ModelBackend::kTorch}) {
    const auto model = make_model("mlp:8,6", 1, backend, {{1, 1, 7}, 4});
    EXPECT_EQ(model->num_classes(), 4);
    EXPECT_EQ(model->input_shape(), (ImageShape{1, 1, 7}));
    EXPECT_EQ(model->name(), "mlp:8,6");
    EXPECT_EQ(model->fit_problem({1, 1, 7}, 4, "d"), "");
  }
  // A convolutional model keeps its input shape and refuses another.
  const auto cnn = make_model("ray-tiny", 1, ModelBackend::kAuto, {{3, 32, 32}, 5});
  EXPECT_EQ(cnn->fit_problem({3, 32, 32}, 5, "d"), "takes 1x28x28 images but data set d has 3x32x32 images");
}

TEST(Models, MlpSpecsAreChecked) {
  for (const char* bad : {"mlp:0", "mlp:", "mlp:a", "mlp:8,", "mlp:,8", "mlp:16385", "mlp:1,1,1,1,1,1,1,1,1",
                          "mlp:99999999999", "mlp:-3", "mlp: 8"})
    testing::expect_error<ConfigError>([&] { make_model(bad, 1); }, {"takes 1 to 8 hidden widths"});
  EXPECT_TRUE(is_known_model("mlp:16384,1,1,1,1,1,1,1"));
}

TEST(Models, UnknownNameListsTheKnownOnes) {
  testing::expect_error<ConfigError>([] { make_model("resnet", 1); }, {"unknown model 'resnet'", "mnist-cnn", "lenet5"});
}

TEST(Models, SameSeedSameWeightsOtherSeedOthers) {
  auto a = make_model("lenet5", 5), b = make_model("lenet5", 5), c = make_model("lenet5", 6);
  std::vector<float> pa(a->num_params()), pb(pa.size()), pc(pa.size());
  a->get_params(pa.data());
  b->get_params(pb.data());
  c->get_params(pc.data());
  EXPECT_EQ(pa, pb);
  EXPECT_NE(pa, pc);
}

TEST(Models, FlatParameterRoundTripIsBitExact) {
  for (const auto& info : model_catalog()) {
    auto model = make_model(info.name, 3);
    const size_t n = model->num_params();
    std::vector<float> original(n), written(n), back(n);
    model->get_params(original.data());
    Rng rng(9);
    for (auto& x : written) x = static_cast<float>(rng.normal());
    written[0] = -0.0f;                  // sign of zero must survive
    written[n - 1] = 1e-40f;             // so must a denormal
    model->set_params(written.data());
    model->get_params(back.data());
    EXPECT_EQ(std::memcmp(back.data(), written.data(), n * sizeof(float)), 0) << info.name;
  }
}

TEST(Models, GradientMatchesFiniteDifferences) {
  auto model = make_model("ray-tiny", 2);
  const Batch batch = random_batch(model->input_shape(), 8, 4);
  const size_t n = model->num_params();
  std::vector<float> params(n), grad(n), scratch(n);
  model->get_params(params.data());
  model->compute_gradient(batch, grad.data());
  // Central differences on the fully connected layer (indices 30..1959; the loss
  // is smooth there) must agree closely; on a conv weight, where max-pool and
  // ReLU kinks sit within a step h, within 10%.
  for (size_t i : {size_t{17}, size_t{40}, size_t{500}, n - 5, n - 1}) {
    const float h = 1e-3f;
    std::vector<float> p = params;
    p[i] = params[i] + h;
    model->set_params(p.data());
    const double up = model->compute_gradient(batch, scratch.data());
    p[i] = params[i] - h;
    model->set_params(p.data());
    const double down = model->compute_gradient(batch, scratch.data());
    const double tolerance = i < 30 ? 0.1 * std::abs(grad[i]) + 1e-3 : 1e-3;
    EXPECT_NEAR((up - down) / (2 * h), grad[i], tolerance) << "coordinate " << i;
  }
}

TEST(Models, EvaluateCountsCorrectPredictions) {
  auto model = make_model("ray-tiny", 1);
  ImageSet set;
  set.shape = {1, 28, 28};
  set.pixels.assign(20 * 784, 0);
  set.labels.assign(20, 0);
  const Evaluation e = model->evaluate(set, {{0.0f}, {1.0f}}, 7);  // 7 does not divide 20: a partial last batch
  EXPECT_EQ(e.samples, 20u);
  // All images are equal, so the prediction is the same for all: either all right or all wrong.
  EXPECT_TRUE(e.accuracy == 0.0 || e.accuracy == 1.0);
  EXPECT_GT(e.loss, 0.0);
}

}  // namespace
}  // namespace hsgd
