// own_data_cli_test.cc: a user's own data through the hsgd program: a CSV
// table trained by the MLP (sim and threads runtimes, fast path and
// LibTorch), IDX files with 5 classes trained by a built-in CNN, and bad
// labels or files refused with the file, line and column, exit status 1 and
// no run folder left behind.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "hsgd/metrics/metrics_reader.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::hsgd;

// n rows of 4 features around one of 3 centroids (noise 0.5), the label
// "species" third: separable, so a trained MLP beats chance (1/3) by far.
void write_separable_csv(const std::string& path, int n, unsigned seed) {
  const double centroid[3][4] = {{2, 0, 0, 1}, {0, 2, 0, -1}, {0, 0, 2, 0}};
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.5);
  std::ofstream out(path);
  out << "f1,f2,species,f3,f4\n";
  for (int i = 0; i < n; ++i) {
    const int k = i % 3;
    double x[4];
    for (int j = 0; j < 4; ++j) x[j] = 10 * centroid[k][j] + 10 * noise(rng) + 100;  // not standardised
    out << x[0] << "," << x[1] << "," << k << "," << x[2] << "," << x[3] << "\n";
  }
}

using testing::summary_of;

// The run learned: the test loss fell to under `loss_share` of its start and
// the final accuracy is above `accuracy`.
void expect_learned(const std::string& out, double loss_share, double accuracy) {
  const std::vector<MetricsRow> rows = read_metrics_csv(out + "/metrics.csv");
  ASSERT_GE(rows.size(), 2u) << out;
  EXPECT_LT(rows.back().test_loss, loss_share * rows.front().test_loss) << out;
  EXPECT_GT(rows.back().test_accuracy, accuracy) << out;
}

class OwnData : public ::testing::Test {
 protected:
  void SetUp() override {
    write_separable_csv(dir_.file("train.csv"), 300, 1);
    write_separable_csv(dir_.file("test.csv"), 90, 2);
    csv_ = "csv:" + dir_.file("train.csv") + "," + dir_.file("test.csv") + ",label=species";
  }
  testing::TempDir dir_;
  std::string csv_;
};

TEST_F(OwnData, CsvTrainsTheMlpInTheSimulator) {
  const std::string out = dir_.file("sim");
  const CommandResult r = hsgd("train --runtime sim --mode async --workers 4 --model mlp --data " + csv_ +
                               " --updates 300 --batch-size 16 --lr 0.05 --sim-compute-ms 10 --eval-every 0.2 "
                               "--threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "300 train + 90 test images of 1x1x4, 3 classes (inferred: the largest label + 1");
  EXPECT_CONTAINS(r.output, "hsgd: data: label: column 3 ('species'); 4 feature(s)");
  expect_learned(out, 0.5, 0.8);
  const nlohmann::json s = summary_of(out);
  EXPECT_EQ(s["model_parameters"], 4 * 64 + 64 + 64 * 3 + 3);
  EXPECT_EQ(s["data"]["classes"], 3);
  EXPECT_EQ(s["data"]["classes_from"], "inferred");
  EXPECT_EQ(s["data"]["image_shape"], "1x1x4");
  EXPECT_FALSE(s["data"]["notes"].empty());
}

TEST_F(OwnData, CsvTrainsTheMlpOnLibTorchAndInThreads) {
  // mlp:16,8 on the LibTorch reference, declared classes, in the simulator ...
  std::string out = dir_.file("torch");
  CommandResult r = hsgd("train --runtime sim --mode hybrid --workers 4 --model mlp:16,8 --backend torch --data " +
                         csv_ + ",classes=3 --updates 300 --batch-size 16 --lr 0.05 --sim-compute-ms 10 "
                         "--eval-every 0.2 --threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "3 classes (declared)");
  expect_learned(out, 0.5, 0.8);
  EXPECT_EQ(summary_of(out)["model_parameters"], 4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
  // ... and the default MLP with two worker threads in real time.
  out = dir_.file("threads");
  r = hsgd("train --runtime threads --mode async --workers 2 --model mlp --data " + csv_ +
           " --updates 400 --batch-size 16 --lr 0.05 --eval-every 0.5 --threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  expect_learned(out, 0.5, 0.8);
}

// 28x28 images whose class k (of 5) lights a 6x6 block at its own place.
void write_five_class_idx(const std::string& dir, uint32_t n_train, uint32_t n_test) {
  const auto write = [](const std::string& images, const std::string& labels, uint32_t n, uint32_t seed) {
    std::vector<uint8_t> px(n * 784), lb(n);
    std::mt19937 rng(seed);
    for (uint32_t i = 0; i < n; ++i) {
      lb[i] = static_cast<uint8_t>(i % 5);
      for (uint32_t k = 0; k < 784; ++k) px[i * 784 + k] = static_cast<uint8_t>(rng() % 64);
      for (uint32_t y = 0; y < 6; ++y)
        for (uint32_t x = 0; x < 6; ++x) px[i * 784 + (4 + y + 4 * lb[i]) * 28 + 4 + x + 3 * lb[i]] = 250;
    }
    testing::write_bytes(images, testing::idx_bytes({n, 28, 28}, px));
    testing::write_bytes(labels, testing::idx_bytes({n}, lb));
  };
  write(dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte", n_train, 1);
  write(dir + "/t10k-images-idx3-ubyte", dir + "/t10k-labels-idx1-ubyte", n_test, 2);
}

TEST(OwnDataIdx, FiveClassesTrainABuiltInCnnAndTheMlp) {
  testing::TempDir dir;
  write_five_class_idx(dir.str(), 200, 50);
  std::string out = dir.file("cnn");
  CommandResult r = hsgd("train --runtime sim --workers 2 --model ray-tiny --data idx:" + dir.str() +
                         " --updates 150 --batch-size 16 --lr 0.05 --momentum 0.9 --sim-compute-ms 10 "
                         "--eval-every 0.2 --threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "200 train + 50 test images of 1x28x28, 5 classes (inferred");
  expect_learned(out, 0.7, 0.5);
  nlohmann::json s = summary_of(out);
  EXPECT_EQ(s["model_parameters"], 30 + 192 * 5 + 5);  // ray-tiny's last layer scores 5 classes
  EXPECT_EQ(s["data"]["classes"], 5);
  // The MLP flattens the images: 784 inputs.
  out = dir.file("mlp");
  r = hsgd("train --runtime sim --workers 2 --model mlp:32 --data idx:" + dir.str() +
           ",classes=6 --updates 20 --sim-compute-ms 10 --threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  s = summary_of(out);
  EXPECT_EQ(s["model_parameters"], 784 * 32 + 32 + 32 * 6 + 6);
  EXPECT_EQ(s["data"]["classes_from"], "declared");
  // A convolutional model keeps its input shape and says so.
  r = hsgd("train --runtime sim --workers 2 --model cifar-cnn --data idx:" + dir.str() + " --updates 5 --out " +
           dir.file("refused"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output,
                  "model cifar-cnn takes 3x32x32 images but data set idx:" + dir.str() + " has 1x28x28 images");
  EXPECT_FALSE(fs::exists(dir.file("refused")));
  EXPECT_FALSE(fs::exists(dir.file("refused.partial")));
}

// Exit status 1, the message, and no run folder.
void expect_refused(const testing::TempDir& dir, const std::string& args, const std::string& message) {
  const CommandResult r = hsgd("train --runtime sim --workers 2 --updates 5 --out " + dir.file("o") + " " + args);
  EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
  EXPECT_CONTAINS(r.output, message);
  EXPECT_FALSE(fs::exists(dir.file("o"))) << args;
  EXPECT_FALSE(fs::exists(dir.file("o.partial"))) << args;
}

TEST_F(OwnData, BadLabelsAndFilesAreNamed) {
  std::ofstream(dir_.file("bad.csv")) << "f1,f2,species,f3,f4\n1,2,0,3,4\n1,2,1,3,4\n1,2,5,3,4\n";
  expect_refused(dir_, "--model mlp --data csv:" + dir_.file("bad.csv") + "," + dir_.file("test.csv") +
                           ",label=species,classes=3",
                 dir_.file("bad.csv") + ": line 4: column 3 ('species'): label '5' is out of range [0, 3) (classes=3)");
  std::ofstream(dir_.file("nan.csv")) << "f1,f2,species,f3,f4\n1,2,0,NaN,4\n";
  expect_refused(dir_, "--model mlp --data csv:" + dir_.file("nan.csv") + "," + dir_.file("test.csv"),
                 dir_.file("nan.csv") + ": line 2: column 4 ('f3'): 'NaN' is not a finite number");
  expect_refused(dir_, "--model mlp --data csv:" + dir_.file("train.csv") + "," + dir_.file("missing.csv"),
                 dir_.file("missing.csv") + ": cannot open");
  std::ofstream(dir_.file("narrow.csv")) << "f1,f2,species\n1,2,0\n";
  expect_refused(dir_, "--model mlp --data csv:" + dir_.file("train.csv") + "," + dir_.file("narrow.csv") +
                           ",label=species",
                 dir_.file("narrow.csv") + ": has 3 columns, but the train file " + dir_.file("train.csv") +
                     " has 5 (4 features and the label)");
  // Without label=, the last column is the label: here a feature, and it says so.
  expect_refused(dir_, "--model mlp --data csv:" + dir_.file("train.csv") + "," + dir_.file("test.csv"),
                 dir_.file("train.csv") + ": line 2: column 5 ('f4'): label '");
  testing::TempDir idx;
  write_five_class_idx(idx.str(), 20, 10);
  expect_refused(dir_, "--model ray-tiny --data idx:" + idx.str() + ",classes=3",
                 idx.file("train-labels-idx1-ubyte") + ": label 3 at index 3 is out of range [0, 3)");
}

TEST_F(OwnData, DataCommandDescribesTheClassesAndNotes) {
  const CommandResult r = hsgd("data " + csv_);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "3 classes (inferred: the largest label + 1; declare them with classes=N)");
  EXPECT_CONTAINS(r.output, "train    300 images of 1x1x4, float32 (16 bytes each); per class: 100 100 100");
  EXPECT_CONTAINS(r.output, "note: label: column 3 ('species')");
}

}  // namespace
}  // namespace hsgd
