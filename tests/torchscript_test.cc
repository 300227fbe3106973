// torchscript_test.cc: a user's own TorchScript model (--model torchscript:FILE).
// The modules are exported here, from C++ (no Python needed), trained through
// the hsgd program in the sim and threads runtimes, and refused with a clear
// message when their shapes do not fit the data set.
#include <torch/script.h>
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "hsgd/data/batch.h"
#include "hsgd/metrics/metrics_reader.h"
#include "hsgd/model/model.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::hsgd;

// A two-layer MLP over flattened images of `features` values, `classes` logits.
std::string export_mlp(const std::string& path, int features, int hidden, int classes) {
  torch::manual_seed(3);
  torch::jit::Module m("UserMlp");
  m.register_parameter("w1", torch::randn({hidden, features}) * 0.1, false);
  m.register_parameter("b1", torch::zeros({hidden}), false);
  m.register_parameter("w2", torch::randn({classes, hidden}) * 0.1, false);
  m.register_parameter("b2", torch::zeros({classes}), false);
  m.define(R"JIT(
def forward(self, x):
    h = torch.relu(torch.matmul(torch.flatten(x, 1), self.w1.t()) + self.b1)
    return torch.matmul(h, self.w2.t()) + self.b2
)JIT");
  m.save(path);
  return path;
}

double first_and_last_train_loss(const std::string& dir, double* last) {
  const auto rows = read_metrics_csv(dir + "/metrics.csv");
  double first = -1;
  for (const auto& row : rows) {
    if (std::isnan(row.train_loss)) continue;
    if (first < 0) first = row.train_loss;
    *last = row.train_loss;
  }
  return first;
}

TEST(TorchScript, ExportedModelComputesGradientsThroughTheFlatBuffer) {
  testing::TempDir d;
  auto model = make_model("torchscript:" + export_mlp(d.file("mlp.pt"), 20, 16, 10), 1);
  EXPECT_EQ(model->num_params(), 16u * 20 + 16 + 10 * 16 + 10);
  EXPECT_EQ(model->fit_problem({1, 1, 20}, 10, "synthetic"), "");
  std::vector<float> params(model->num_params()), grad(model->num_params());
  model->get_params(params.data());
  Batch batch;
  batch.shape = {1, 1, 20};
  for (int i = 0; i < 32; ++i) {
    for (int f = 0; f < 20; ++f) batch.images.push_back(f == i % 10 ? 2.0f : 0.1f * static_cast<float>(f % 3));
    batch.labels.push_back(i % 10);
  }
  const double before = model->compute_gradient(batch, grad.data());
  for (int step = 0; step < 50; ++step) {
    model->compute_gradient(batch, grad.data());
    for (size_t i = 0; i < params.size(); ++i) params[i] -= 0.5f * grad[i];
    model->set_params(params.data());
  }
  EXPECT_LT(model->compute_gradient(batch, grad.data()), 0.5 * before);
}

TEST(TorchScript, TrainsInTheSimAndThreadsRuntimes) {
  testing::TempDir d;
  const std::string file = export_mlp(d.file("mlp.pt"), 20, 32, 10);
  for (const char* runtime : {"sim", "threads"}) {
    const std::string out = d.file(std::string("run-") + runtime);
    const auto r = hsgd(std::string("train --runtime ") + runtime + " --model torchscript:" + file +
                        " --data synthetic:samples=2000 --workers 2 --mode async --lr 0.05 --batch-size 32 "
                        "--delay none --updates 300 --eval-every 0.05 --out " + out);
    ASSERT_EQ(r.status, 0) << runtime << ": " << r.output;
    double last = 0;
    const double first = first_and_last_train_loss(out, &last);
    ASSERT_GT(first, 0) << runtime;
    EXPECT_LT(last, 0.8 * first) << runtime << ": train loss " << first << " -> " << last;
  }
}

TEST(TorchScript, AModelOfTheWrongShapeIsRefusedWithAClearMessage) {
  testing::TempDir d;
  // Takes 784 features (MNIST) but the data set has 20.
  auto r = hsgd("train --runtime sim --model torchscript:" + export_mlp(d.file("mnist.pt"), 784, 8, 10) +
                " --data synthetic:samples=200 --workers 2 --updates 3 --out " + d.file("a"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "does not take 1x1x20 images");
  // Scores 5 classes but the data set has 10.
  r = hsgd("train --runtime sim --model torchscript:" + export_mlp(d.file("five.pt"), 20, 8, 5) +
           " --data synthetic:samples=200 --workers 2 --updates 3 --out " + d.file("b"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "to a tensor of shape [2, 5], not [2, 10]");
  // Not a TorchScript file at all, and no file.
  { std::ofstream(d.file("junk.pt")) << "not a model"; }
  r = hsgd("train --runtime sim --model torchscript:" + d.file("junk.pt") + " --data synthetic --updates 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "not a TorchScript module LibTorch can load");
  r = hsgd("train --runtime sim --model torchscript:" + d.file("missing.pt") + " --data synthetic --updates 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "missing.pt: no such file");
  r = hsgd("train --runtime sim --backend fast --model torchscript:" + d.file("five.pt") +
           " --data synthetic --updates 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "runs on LibTorch only");
}

}  // namespace
}  // namespace hsgd
