// fast_network_test.cc: the fast path (nn/) against the LibTorch reference,
// for every model of the catalog at the batch sizes the suites use: same
// loss, gradient, logits and evaluation within stated tolerances.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "hsgd/common/rng.h"
#include "hsgd/model/fast_model.h"
#include "hsgd/model/model.h"
#include "hsgd/model/networks.h"
#include "hsgd/nn/dnnl_network.h"
#include "hsgd/nn/fast_network.h"
#include "hsgd/nn/kernels.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

// Normal pixels, with a constant border like MNIST's background so that
// max-pool windows hold exact ties (both paths must pick the first maximum).
Batch test_batch(const ModelInfo& info, size_t n, uint64_t seed) {
  Rng rng(seed);
  Batch b;
  b.shape = info.input;
  b.images.resize(n * b.shape.pixels());
  const int h = b.shape.height, w = b.shape.width;
  for (size_t i = 0; i < b.images.size(); ++i) {
    const int x = static_cast<int>(i % w), y = static_cast<int>(i / w % h);
    const bool border = h > 1 && (x < 6 || y < 6);
    b.images[i] = border ? -0.4242f : static_cast<float>(rng.normal());
  }
  for (size_t i = 0; i < n; ++i) b.labels.push_back(static_cast<int64_t>(rng.uniform_int(10)));
  return b;
}

float max_abs(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::abs(x));
  return m;
}

// Gradients agree to 1e-4 of the gradient's largest entry (float sums in a
// different order), the loss to 1e-5 relative.
TEST(FastPath, LossAndGradientAgreeWithLibTorch) {
  for (const auto& info : model_catalog())
    for (size_t n : {1, 32, 64}) {
      auto reference = make_model(info.name, 7, ModelBackend::kTorch);
      auto fast = make_model(info.name, 7, ModelBackend::kFast);
      ASSERT_EQ(fast->num_params(), reference->num_params()) << info.name;
      const Batch batch = test_batch(info, n, 100 + n);
      std::vector<float> g_ref(reference->num_params()), g_fast(fast->num_params());
      const double loss_ref = reference->compute_gradient(batch, g_ref.data());
      const double loss_fast = fast->compute_gradient(batch, g_fast.data());
      EXPECT_NEAR(loss_fast, loss_ref, 1e-5 * std::max(1.0, std::abs(loss_ref))) << info.name << " batch " << n;
      const float scale = max_abs(g_ref);
      ASSERT_GT(scale, 0) << info.name;
      size_t worst = 0;
      for (size_t i = 0; i < g_ref.size(); ++i)
        if (std::abs(g_fast[i] - g_ref[i]) > std::abs(g_fast[worst] - g_ref[worst])) worst = i;
      EXPECT_LE(std::abs(g_fast[worst] - g_ref[worst]), 1e-4f * scale)
          << info.name << " batch " << n << ": parameter " << worst << " fast " << g_fast[worst] << " torch "
          << g_ref[worst];
    }
}

// Every kernel choice for every layer, direct (kernels.h), matrix products
// (gemm.h) and oneDNN (dnnl_network.h), against LibTorch, whatever kAuto
// would pick, at batch sizes that run whole and split into parts.
TEST(FastPath, EveryKernelChoiceAgreesWithLibTorch) {
  for (const auto& info : model_catalog())
    for (const auto kernels : {nn::ConvKernels::kDirect, nn::ConvKernels::kGemm, nn::ConvKernels::kDnnl})
      for (size_t n : {1, 32, 50}) {
        auto reference = make_model(info.name, 9, ModelBackend::kTorch);
        std::vector<float> params(reference->num_params()), g_ref(params.size()), g_fast(params.size());
        reference->get_params(params.data());
        const Batch batch = test_batch(info, n, 17 + n);
        const double loss_ref = reference->compute_gradient(batch, g_ref.data());
        auto fast = make_fast_model(info, params, kernels);
        const double loss = fast->compute_gradient(batch, g_fast.data());
        const char* which = nn::kernels_name(kernels);
        EXPECT_NEAR(loss, loss_ref, 1e-5 * std::max(1.0, std::abs(loss_ref))) << info.name << " " << which;
        const float scale = max_abs(g_ref);
        for (size_t i = 0; i < params.size(); ++i)
          ASSERT_NEAR(g_fast[i], g_ref[i], 1e-4f * scale)
              << info.name << " " << which << " batch " << n << ": parameter " << i;
      }
}

// A gradient and an evaluation are the same bit for bit with one compute
// thread and with two, where the model is asked to be thread-independent
// (the simulator does): the fast path then splits batches by their size alone.
TEST(FastPath, ResultsDoNotDependOnTheThreadCount) {
  for (const auto& info : model_catalog())
    for (const auto kernels : {nn::ConvKernels::kAuto, nn::ConvKernels::kDnnl}) {
      auto reference = make_model(info.name, 5, ModelBackend::kTorch);
      std::vector<float> params(reference->num_params()), one(params.size()), two(params.size());
      reference->get_params(params.data());
      auto fast = make_fast_model(info, params, kernels);
      fast->set_thread_independent(true);
      const Batch batch = test_batch(info, 64, 23);
      ImageSet set;
      set.shape = info.input;
      Rng rng(3);
      set.pixels.resize(700 * info.input.pixels());
      for (auto& p : set.pixels) p = static_cast<uint8_t>(rng.uniform_int(256));
      for (int i = 0; i < 700; ++i) set.labels.push_back(static_cast<uint8_t>(rng.uniform_int(10)));
      const Normalization norm{std::vector<float>(info.input.channels, 0.5f),
                               std::vector<float>(info.input.channels, 0.25f)};
      set_compute_threads(1);
      const double loss_one = fast->compute_gradient(batch, one.data());
      const Evaluation eval_one = fast->evaluate(set, norm, 1000);
      set_compute_threads(2);
      const double loss_two = fast->compute_gradient(batch, two.data());
      const Evaluation eval_two = fast->evaluate(set, norm, 1000);
      const char* which = nn::kernels_name(kernels);
      EXPECT_EQ(loss_one, loss_two) << info.name << " " << which;
      EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)), 0) << info.name << " " << which;
      EXPECT_EQ(eval_one.loss, eval_two.loss) << info.name << " " << which;
      EXPECT_EQ(eval_one.accuracy, eval_two.accuracy) << info.name << " " << which;
    }
  set_compute_threads(1);
}

TEST(FastPath, LogitsAgreeWithLibTorch) {
  for (const auto& info : model_catalog()) {
    torch::manual_seed(3);
    Network net(info);
    std::vector<float> params;
    for (const auto& p : net.parameters()) params.insert(params.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    const Batch batch = test_batch(info, 16, 5);
    const auto x = torch::from_blob(const_cast<float*>(batch.images.data()),
                                    {16, info.input.channels, info.input.height, info.input.width});
    torch::NoGradGuard no_grad;
    const auto logits = net.forward(x).contiguous();
    const float* want = logits.data_ptr<float>();
    nn::FastNetwork fast(info);
    nn::DnnlNetwork dnnl(info);
    for (nn::Network* network : {static_cast<nn::Network*>(&fast), static_cast<nn::Network*>(&dnnl)}) {
      double loss = 0;
      size_t correct = 0;
      network->score(params.data(), batch.images.data(), batch.labels.data(), 16, &loss, &correct);
      for (int i = 0; i < 16 * network->num_classes(); ++i)
        ASSERT_NEAR(network->logits()[i], want[i], 1e-4f * std::max(1.0f, std::abs(want[i])))
            << info.name << (network == &fast ? " fast" : " dnnl") << " logit " << i;
    }
  }
}

TEST(FastPath, EvaluationAgreesWithLibTorch) {
  for (const auto& info : model_catalog()) {
    const std::string name = info.name;
    ImageSet set;
    set.shape = info.input;
    Rng rng(11);
    set.pixels.resize(300 * info.input.pixels());
    for (auto& p : set.pixels) p = static_cast<uint8_t>(rng.uniform_int(256));
    for (int i = 0; i < 300; ++i) set.labels.push_back(static_cast<uint8_t>(rng.uniform_int(10)));
    const Normalization norm{std::vector<float>(info.input.channels, 0.5f), std::vector<float>(info.input.channels, 0.25f)};
    const Evaluation want = make_model(name, 4, ModelBackend::kTorch)->evaluate(set, norm, 1000);
    const Evaluation got = make_model(name, 4, ModelBackend::kFast)->evaluate(set, norm, 1000);
    EXPECT_EQ(got.samples, want.samples);
    EXPECT_NEAR(got.loss, want.loss, 1e-5 * want.loss) << name;
    EXPECT_NEAR(got.accuracy, want.accuracy, 1.0 / 300) << name;  // at most one near-tie may flip
  }
}

// The same batch gives the same gradient bit for bit, whatever was computed
// before (buffers sized for a larger batch are reused, never stale).
TEST(FastPath, GradientIsReproducible) {
  set_compute_threads(2);  // the large models split a batch over two threads
  for (const auto& info : model_catalog()) {
    const std::string name = info.name;
    auto model = make_model(name, 1, ModelBackend::kFast);
    const Batch small = test_batch(*find_model(name), 8, 1), large = test_batch(*find_model(name), 64, 2);
    std::vector<float> first(model->num_params()), again(model->num_params());
    const double loss = model->compute_gradient(small, first.data());
    model->compute_gradient(large, again.data());
    EXPECT_EQ(model->compute_gradient(small, again.data()), loss) << name;
    EXPECT_EQ(std::memcmp(first.data(), again.data(), first.size() * sizeof(float)), 0) << name;
  }
}

// Models sized for a data set (model_architecture): MLPs of other widths,
// inputs and class counts, and CNNs scoring other class counts.
TEST(FastPath, DataSizedModelsAgreeWithLibTorch) {
  const std::vector<std::pair<std::string, DataShape>> cases = {
      {"mlp", {{1, 1, 7}, 3}}, {"mlp:16,8", {{1, 1, 4}, 5}}, {"mlp:12", {{2, 3, 4}, 2}},
      {"ray-tiny", {{1, 28, 28}, 4}}, {"lenet5", {{3, 32, 32}, 100}}};
  for (const auto& [name, data] : cases) {
    auto reference = make_model(name, 5, ModelBackend::kTorch, data);
    auto fast = make_model(name, 5, ModelBackend::kFast, data);
    ASSERT_EQ(fast->num_params(), reference->num_params()) << name;
    ASSERT_EQ(fast->num_classes(), data.classes) << name;
    Rng rng(21);
    Batch batch;
    batch.shape = reference->input_shape();
    batch.images.resize(24 * batch.shape.pixels());
    for (float& x : batch.images) x = static_cast<float>(rng.normal());
    for (int i = 0; i < 24; ++i) batch.labels.push_back(static_cast<int64_t>(rng.uniform_int(data.classes)));
    std::vector<float> g_ref(reference->num_params()), g_fast(fast->num_params());
    const double loss_ref = reference->compute_gradient(batch, g_ref.data());
    const double loss_fast = fast->compute_gradient(batch, g_fast.data());
    EXPECT_NEAR(loss_fast, loss_ref, 1e-5 * std::max(1.0, std::abs(loss_ref))) << name;
    const float scale = max_abs(g_ref);
    for (size_t i = 0; i < g_ref.size(); ++i)
      ASSERT_NEAR(g_fast[i], g_ref[i], 1e-4f * scale) << name << ": parameter " << i;
  }
}

// Counted by hand: conv 1->32 5x5 on 28x28 (24x24 out), conv 32->64 5x5 on
// 12x12 (8x8 out), fc 1024->512, fc 512->10; the first layer has no input delta.
TEST(FastPath, TrainingFlopsOfMnistCnn) {
  const double conv1 = 2.0 * 32 * 25 * 24 * 24, conv2 = 2.0 * 64 * 32 * 25 * 8 * 8, fc1 = 2.0 * 1024 * 512,
               fc2 = 2.0 * 512 * 10;
  EXPECT_DOUBLE_EQ(training_flops_per_sample(*find_model("mnist-cnn")), 2 * conv1 + 3 * (conv2 + fc1 + fc2));
}

TEST(FastPath, AutoPicksOneDnnForLargeConvolutionsAndTheHandWrittenKernelsElsewhere) {
  for (const char* name : {"mnist-cnn", "cifar-cnn"})
    EXPECT_EQ(resolve_backend(*find_model(name), ModelBackend::kAuto), ModelBackend::kDnnl) << name;
  for (const char* name : {"ray-tiny", "lenet5", "mlp"})
    EXPECT_EQ(resolve_backend(*find_model(name), ModelBackend::kAuto), ModelBackend::kFast) << name;
  EXPECT_EQ(resolve_backend(*find_model("ray-tiny"), ModelBackend::kTorch), ModelBackend::kTorch);
  EXPECT_EQ(choose_backend("torchscript:x.pt", ModelBackend::kAuto).backend, ModelBackend::kTorch);
  EXPECT_NE(choose_backend("mnist-cnn", ModelBackend::kAuto).why.find("dnnl"), std::string::npos);
}

}  // namespace
}  // namespace hsgd

namespace hsgd {
namespace {

// Max-pool as LibTorch: the first maximum in row-major order wins ties, and
// a NaN in a window makes its output NaN (so that divergence is seen).
TEST(FastPath, MaxPoolTiesAndNaN) {
  const float x[16] = {1, 3, 3, 0,   //
                       3, 2, 0, 0,   //
                       5, 5, 7, 7,   //
                       5, 5, 7, NAN};
  float y[4];
  int32_t at[4];
  nn::max_pool_forward(x, y, at, 1, 4, 4, 2);
  EXPECT_EQ(y[0], 3);
  EXPECT_EQ(at[0], 1);  // the first 3 of {1, 3, 3, 2}
  EXPECT_EQ(y[1], 3);
  EXPECT_EQ(at[1], 2);
  EXPECT_EQ(y[2], 5);
  EXPECT_EQ(at[2], 8);  // all equal: the first
  EXPECT_TRUE(std::isnan(y[3]));
  float finite[16];
  std::copy(x, x + 16, finite);
  finite[15] = 7;
  nn::max_pool_forward(finite, y, at, 1, 4, 4, 2);
  EXPECT_EQ(y[3], 7);
  EXPECT_EQ(at[3], 10);
  nn::max_pool_forward(finite, y, nullptr, 1, 4, 4, 2);  // evaluation: no argmax wanted
  EXPECT_EQ(y[2], 5);
}

// Rows of 8 windows or more take the vector path, which notes a NaN or Inf
// as it goes and then pools again carefully: same rules as above, checked
// against a plain loop, for 3x3 and 2x2 windows.
TEST(FastPath, MaxPoolVectorPathMatchesAPlainLoop) {
  for (const int k : {2, 3})
    for (const float odd : {0.0f, NAN, INFINITY}) {
      const int w = 9 * k + 1, h = 2 * k;  // 9 windows a row (one group overlaps), a spare column
      std::vector<float> x(static_cast<size_t>(h) * w);
      Rng rng(static_cast<uint64_t>(k));
      for (auto& v : x) v = static_cast<float>(rng.uniform_int(5));  // many ties
      if (odd != 0.0f) x[static_cast<size_t>(k) * w + 4 * k + 1] = odd;  // in window (1, 4)
      std::vector<float> y(18);
      std::vector<int32_t> at(18);
      nn::max_pool_forward(x.data(), y.data(), at.data(), 1, h, w, k);
      for (int oy = 0; oy < 2; ++oy)
        for (int ox = 0; ox < 9; ++ox) {
          float top = -INFINITY;  // LibTorch's loop (cpu_max_pool)
          int best = oy * k * w + ox * k;
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int i = (oy * k + ky) * w + ox * k + kx;
              if (x[i] > top || std::isnan(x[i])) top = x[i], best = i;
            }
          const int j = oy * 9 + ox;
          if (std::isnan(top)) {
            EXPECT_TRUE(std::isnan(y[j])) << k << " window " << j;
          } else {
            EXPECT_EQ(y[j], top) << k << " window " << j;
          }
          EXPECT_EQ(at[j], best) << k << " window " << j << " odd " << odd;
        }
    }
}

}  // namespace
}  // namespace hsgd
