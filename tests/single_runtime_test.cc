// single_runtime_test.cc: a short single-worker run with a LibTorch model
// learns, records what it did, repeats bit for bit, and stops on divergence;
// the simulator with a LibTorch model repeats bit for bit.

#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/data/input_file.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

ModelFactory model_factory(const std::string& name) {
  return [name](uint64_t seed) { return make_model(name, seed); };
}

// MNIST when fetched (scripts/setup.sh does), else a synthetic learnable set:
// each class is a bright square at its own place.
Dataset small_dataset() {
  const std::string root = HSGD_TEST_DATA_ROOT;
  if (is_directory(root + "/mnist")) {
    Dataset ds = load_dataset("mnist", root);
    std::vector<size_t> train(4096), test(1000);
    for (size_t i = 0; i < train.size(); ++i) train[i] = i;
    for (size_t i = 0; i < test.size(); ++i) test[i] = i;
    ds.train = ds.train.subset(train);
    ds.test = ds.test.subset(test);
    return ds;
  }
  Dataset ds;
  ds.name = "squares";
  Rng rng(1);
  for (ImageSet* set : {&ds.train, &ds.test}) {
    set->shape = {1, 28, 28};
    const size_t n = set == &ds.train ? 2000 : 500;
    set->pixels.assign(n * 784, 0);
    for (size_t i = 0; i < n; ++i) {
      const int label = static_cast<int>(rng.uniform_int(10));
      set->labels.push_back(static_cast<uint8_t>(label));
      uint8_t* img = set->pixels.data() + i * 784;
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) img[(2 + (label / 5) * 12 + y) * 28 + 2 + (label % 5) * 5 + x] = 255;
    }
  }
  ds.normalization = compute_normalization(ds.train);
  return ds;
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      row.push_back(line.substr(start, comma - start));
    row.push_back(line.substr(start));
    rows.push_back(row);
  }
  return rows;
}

TEST(SingleWorkerTrainer, LossFallsAndAccuracyRises) {
  testing::TempDir dir;
  const Dataset data = small_dataset();
  TrainConfig config;
  config.ps.sgd.lr = 0.05;
  config.ps.sgd.momentum = 0.5;
  config.budget.updates = 150;
  config.batch_size = 32;
  config.eval.every_seconds = 1e9;  // only the first and the last evaluation
  config.out_dir = dir.str();
  const RunResult r = testing::run_single(config, data, model_factory("mnist-cnn"), nullptr);

  ASSERT_EQ(r.rows.size(), 2u);  // the start and the end
  EXPECT_EQ(r.final_row().updates, 150u);
  EXPECT_EQ(r.final_row().samples, 150u * 32);
  EXPECT_GT(r.final_row().test_accuracy, 0.8);

  const auto rows = read_csv(dir.file("metrics.csv"));
  ASSERT_EQ(rows.size(), 3u);  // header, start, end
  EXPECT_EQ(rows[0], metrics_columns());
  const double loss_start = std::stod(rows[1][10]), loss_end = std::stod(rows[2][10]);
  EXPECT_LT(loss_end, 0.5 * loss_start);
  EXPECT_LT(std::stod(rows[1][11]), 0.3);  // untrained: near chance
  EXPECT_EQ(rows[2][2], "150");            // updates
  EXPECT_EQ(rows[1][9], "nan");            // no train loss before the first step

  std::ifstream summary_file(dir.file("summary.json"));
  const auto summary = nlohmann::json::parse(summary_file);
  EXPECT_EQ(summary["config"]["updates"], 150);
  EXPECT_EQ(summary["model_parameters"], 582026);
  EXPECT_NEAR(summary["final"]["test_accuracy"].get<double>(), r.final_row().test_accuracy, 1e-12);
}

TEST(SingleWorkerTrainer, SameSeedSameRun) {
  const Dataset data = small_dataset();
  std::vector<double> losses;
  for (int run = 0; run < 2; ++run) {
    testing::TempDir dir;
    TrainConfig config;
    config.seed = 3;
    config.budget.updates = 40;
    config.threads = 1;
    config.eval.every_seconds = 1e9;
    config.out_dir = dir.str();
    losses.push_back(testing::run_single(config, data, model_factory("ray-tiny"), nullptr).final_row().test_loss);
  }
  EXPECT_EQ(losses[0], losses[1]);
}

TEST(SingleWorkerTrainer, RejectsAModelThatDoesNotFitTheData) {
  testing::TempDir dir;
  const Dataset data = small_dataset();
  TrainConfig config;
  config.budget.updates = 1;
  config.out_dir = dir.str();
  testing::expect_error<ConfigError>([&] { testing::run_single(config, data, model_factory("cifar-cnn"), nullptr); },
                                     {"cifar-cnn takes 3x32x32 images", "1x28x28"});
  const auto summary = nlohmann::json::parse(std::ifstream(dir.file("summary.json")));
  EXPECT_EQ(summary["status"], "failed");
}

TEST(SingleWorkerTrainer, DivergenceStopsTheRunWithItsReason) {
  testing::TempDir dir;
  const Dataset data = small_dataset();
  TrainConfig config;
  config.ps.sgd.lr = 1e6;
  config.budget.updates = 50;
  config.out_dir = dir.str();
  const RunResult r = testing::run_single(config, data, model_factory("mnist-cnn"), nullptr);
  EXPECT_EQ(r.status, RunStatus::kDiverged);
  EXPECT_NE(r.stop_reason.find("training diverged"), std::string::npos) << r.stop_reason;
  EXPECT_NE(r.stop_reason.find("smaller --lr"), std::string::npos) << r.stop_reason;
  EXPECT_LE(r.final_row().updates, 3u);  // stopped at once, not after the 50-update budget
  const auto summary = nlohmann::json::parse(std::ifstream(dir.file("summary.json")));
  EXPECT_EQ(summary["status"], "diverged");
}

}  // namespace
}  // namespace hsgd

namespace hsgd {
namespace {

// The simulator with a real LibTorch model: the same seed gives the same bytes.
TEST(SimWithTorchModel, RepeatsBitForBit) {
  const Dataset data = small_dataset();
  std::vector<std::string> files;
  for (int run = 0; run < 2; ++run) {
    testing::TempDir dir;
    TrainConfig config;
    config.runtime = RuntimeKind::kSim;
    config.model = "ray-tiny";
    config.ps.mode = testing::mode("hybrid");
    config.schedule = "step:S=20";
    config.ps.num_workers = 5;
    config.budget.seconds = 3;
    config.eval.every_seconds = 1;
    config.batch_size = 16;
    config.out_dir = dir.str();
    set_compute_threads(1);
    testing::run_sim(config, data, model_factory("ray-tiny"), nullptr);
    std::ifstream in(dir.file("metrics.csv"));
    files.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  EXPECT_GT(files[0].size(), 100u);
  EXPECT_EQ(files[0], files[1]);
}

}  // namespace
}  // namespace hsgd
