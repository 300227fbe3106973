// evaluation_test.cc: evaluation keeps up in the threads runtime when the
// workers leave it no CPU: 4 worker threads of mnist-cnn on this 2-core
// machine, evaluating every 2 s of training for 60 s. At least 80% of the
// evaluation points are evaluated while training goes on, the snapshots held
// stay bounded, and --target-accuracy stops the run within one evaluation
// interval of the snapshot that reached it. Needs MNIST (scripts/setup.sh).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

bool have_mnist() { return std::filesystem::exists(std::string(HSGD_TEST_DATA_ROOT) + "/mnist"); }

using testing::summary_of;

std::string four_workers_on_two_cores(const std::string& out) {
  return "train --runtime threads --model mnist-cnn --data mnist --data-root " + std::string(HSGD_TEST_DATA_ROOT) +
         " --workers 4 --eval-every 2 --out " + out;
}

TEST(EvaluationKeepsUp, MostPointsAreEvaluatedDuringTraining) {
  if (!have_mnist()) GTEST_SKIP() << "MNIST not in " << HSGD_TEST_DATA_ROOT << " (scripts/setup.sh fetches it)";
  testing::TempDir dir;
  const testing::CommandResult r = testing::hsgd(four_workers_on_two_cores(dir.file("run")) + " --seconds 60");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto s = summary_of(dir.file("run"));
  const auto& e = s["evaluation"];
  const double points = e["points_during_training"].get<double>();
  const double evaluated = e["evaluated_during_training"].get<double>();
  std::printf("evaluation points during training %.0f, evaluated during training %.0f (%.0f%%), training paused "
              "%.1fs, most snapshots held %d\n",
              points, evaluated, 100 * evaluated / points, e["training_paused_seconds"].get<double>(),
              e["most_snapshots_held"].get<int>());
  EXPECT_GE(points, 29);  // t = 2, 4, ..., 58 (and 60, when the budget is not reached first)
  EXPECT_GE(evaluated, 0.8 * points);
  EXPECT_LE(e["most_snapshots_held"].get<int>(), 2);
  // Rows keep their snapshot's time: 0, 2, 4, ... and the end.
  std::ifstream csv(dir.file("run/metrics.csv"));
  std::string line;
  std::getline(csv, line);
  for (int k = 0; k < 5 && std::getline(csv, line); ++k) EXPECT_EQ(std::stod(line.substr(0, line.find(','))), 2.0 * k);
}

TEST(EvaluationKeepsUp, TargetAccuracyStopsTheRunWithinOneInterval) {
  if (!have_mnist()) GTEST_SKIP() << "MNIST not in " << HSGD_TEST_DATA_ROOT << " (scripts/setup.sh fetches it)";
  testing::TempDir dir;
  const testing::CommandResult r =
      testing::hsgd(four_workers_on_two_cores(dir.file("run")) + " --seconds 120 --momentum 0.9 --target-accuracy 0.95");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto s = summary_of(dir.file("run"));
  EXPECT_EQ(s["stop_reason"], "target accuracy reached");
  const double reached = s["target_reached_seconds"].get<double>();
  const double stopped = s["final"]["time_s"].get<double>();
  std::printf("target 95%% reached by the snapshot at %.1fs; training stopped at %.2fs\n", reached, stopped);
  ASSERT_GE(reached, 0.0);
  EXPECT_LT(stopped, 120.0);
  EXPECT_LE(stopped - reached, 2.0 + 0.25);  // one --eval-every, and the monitor thread's wake-up under load
}

}  // namespace
}  // namespace hsgd
