// threads_runtime_test.cc: the threads runtime with a torch-free model:
// every mode learns, sync rounds hold, accounting balances, files are written.
#include "hsgd/runtime/threads_runtime.h"

#include <chrono>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "hsgd/runtime/delay_model.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

TrainConfig small_config(const std::string& out, const std::string& mode) {
  TrainConfig c;
  c.model = "linear";
  c.ps.mode = testing::mode(mode);
  if (c.ps.mode == Mode::kSsp) c.ps.ssp_bound = 1;
  if (c.ps.mode == Mode::kKSync || c.ps.mode == Mode::kKBatchAsync) c.ps.k = 2;
  c.ps.num_workers = 4;
  c.batch_size = 16;
  c.ps.sgd.lr = 0.5;
  c.budget.updates = 150;
  c.delay.distribution = DelayDistribution::kNone;
  c.eval.every_seconds = 1e9;
  c.threads = 1;
  c.out_dir = out;
  return c;
}

nlohmann::json read_summary(const std::string& dir) {
  std::ifstream in(dir + "/summary.json");
  return nlohmann::json::parse(in);
}

class ThreadsRuntimeModes : public ::testing::TestWithParam<std::string> {};

TEST_P(ThreadsRuntimeModes, LearnsAndBalances) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(2000, 500, 1);
  TrainConfig config = small_config(dir.str(), GetParam());
  config.schedule = "step:S=40";
  const RunResult r = testing::run_threads(config, data, testing::linear_factory(), nullptr);

  ASSERT_GE(r.rows.size(), 2u);
  EXPECT_LT(r.rows.front().test_accuracy, 0.4);
  EXPECT_GT(r.final_row().test_accuracy, 0.9) << GetParam();
  EXPECT_GE(r.final_row().updates, 150u);
  const auto summary = read_summary(dir.str());
  const auto& a = summary["accounting"];
  EXPECT_TRUE(a["balances"].get<bool>());
  EXPECT_EQ(a["received"].get<uint64_t>(),
            a["applied"].get<uint64_t>() + a["buffered"].get<uint64_t>() + a["dropped"]["duplicate-in-round"].get<uint64_t>() +
                a["dropped"]["non-finite"].get<uint64_t>() + a["dropped"]["too-stale"].get<uint64_t>() +
                a["dropped"]["dead-worker"].get<uint64_t>() + a["dropped"]["run-ended"].get<uint64_t>());
  if (GetParam() == "async") {
    EXPECT_EQ(a["applied"], a["updates"]);
  }
  if (GetParam() == "sync") {
    // One gradient from each of the 4 workers per update, none dropped.
    EXPECT_EQ(a["applied"].get<uint64_t>(), 4 * a["updates"].get<uint64_t>());
    EXPECT_EQ(a["dropped"]["duplicate-in-round"], 0);
    EXPECT_EQ(summary["staleness_histogram"].size(), 1u);  // sync gradients are never stale
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ThreadsRuntimeModes,
                         ::testing::Values("sync", "async", "hybrid", "ssp", "k-sync", "k-batch-async"));

// SSP in lock step (bound 0): every worker waits for the slowest at every
// clock, so gradients are applied in rounds of one per worker, and the run
// neither deadlocks nor loses a gradient.
TEST(ThreadsRuntime, SspWithBoundZeroKeepsTheWorkersInLockStep) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1000, 200, 2);
  TrainConfig config = small_config(dir.str(), "ssp");
  config.ps.ssp_bound = 0;
  config.budget.updates = 80;
  testing::run_threads(config, data, testing::linear_factory(), nullptr);
  const auto summary = read_summary(dir.str());
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  EXPECT_GT(summary["ssp"]["waits"].get<uint64_t>(), 0u);
  // Between a worker's pull (at clock c, the slowest's) and its push, each
  // other worker pushes at most once (to c + 1, then it waits): staleness <= 3.
  EXPECT_LE(summary["staleness_histogram"].size(), 4u);
}

// --schedule adaptive in real time: the push's measured wall time is the
// service time; the run balances and says what it decided.
TEST(ThreadsRuntime, AdaptiveScheduleMeasuresTheServerAndRecordsItsDecisions) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1000, 200, 2);
  TrainConfig config = small_config(dir.str(), "hybrid");
  config.schedule = "adaptive";
  config.budget.updates = 100;
  testing::run_threads(config, data, testing::linear_factory(), nullptr);
  const auto summary = read_summary(dir.str());
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  EXPECT_GT(summary["adaptive"]["update_ms"].get<double>(), 0.0);  // measured, not zero
  EXPECT_GE(summary["adaptive"]["k"].get<int>(), 1);
  EXPECT_LE(summary["adaptive"]["k"].get<int>(), 4);
  std::ifstream decisions(dir.file("k_decisions.csv"));
  std::string header;
  std::getline(decisions, header);
  EXPECT_EQ(header, "time_s,gradients,k_before,k_after,arrival_rate_per_s,update_ms,gradient_ms,utilisation");
}

TEST(ThreadsRuntime, HybridWithWaitAppliedAndKEqualNBehavesLikeSync) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1000, 200, 2);
  TrainConfig config = small_config(dir.str(), "hybrid");
  config.schedule = "constant:4";
  config.ps.wait = WaitPolicy::kApplied;
  config.budget.updates = 60;
  testing::run_threads(config, data, testing::linear_factory(), nullptr);
  const auto summary = read_summary(dir.str());
  EXPECT_EQ(summary["accounting"]["applied"].get<uint64_t>(), 4 * summary["accounting"]["updates"].get<uint64_t>());
  EXPECT_EQ(summary["staleness_histogram"].size(), 1u);
}

TEST(ThreadsRuntime, BudgetsInGradientsAndMetricsFile) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1000, 200, 3);
  TrainConfig config = small_config(dir.str(), "async");
  config.budget.updates = 0;
  config.budget.gradients = 100;
  config.eval.every_seconds = 0.05;
  config.delay.distribution = DelayDistribution::kFixed;
  config.delay.scale = 0.002;
  const RunResult r = testing::run_threads(config, data, testing::linear_factory(), nullptr);
  EXPECT_GE(r.final_row().gradients, 100u);
  EXPECT_LT(r.final_row().gradients, 100u + config.workers());  // workers stop at the budget
  for (size_t i = 1; i < r.rows.size(); ++i) EXPECT_GE(r.rows[i].time_s, r.rows[i - 1].time_s);
  std::ifstream csv(dir.file("metrics.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "time_s,gradients,updates,k,staleness_mean,staleness_max,dropped,samples,epoch,train_loss,test_loss,test_accuracy");
}

// A model whose every third gradient has a NaN: the PS must drop and count
// those, and training must go on.
class NanEveryThirdGradient : public testing::LinearModel {
 public:
  using LinearModel::LinearModel;
  double compute_gradient(const Batch& batch, float* grad) override {
    const double loss = LinearModel::compute_gradient(batch, grad);
    if (++calls_ % 3 == 0) grad[calls_ % num_params()] = NAN;
    return loss;
  }

 private:
  size_t calls_ = 0;
};

TEST(ThreadsRuntime, NonFiniteGradientsAreDroppedAndTrainingGoesOn) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(2000, 300, 4);
  TrainConfig config = small_config(dir.str(), "async");
  config.budget.updates = 100;
  const RunResult r = testing::run_threads(
      config, data, [](uint64_t seed) { return std::make_unique<NanEveryThirdGradient>(ImageShape{1, 4, 4}, seed); },
      nullptr);
  const auto summary = read_summary(dir.str());
  const uint64_t dropped = summary["accounting"]["dropped"]["non-finite"].get<uint64_t>();
  EXPECT_GE(dropped, 100u / 2 - config.workers());  // about one in three of ~150 gradients
  EXPECT_EQ(r.final_row().dropped, dropped);
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  EXPECT_GT(r.final_row().test_accuracy, 0.9);
}

// A model whose evaluation is slow: the evaluator falls behind the workers.
class SlowEvaluation : public testing::LinearModel {
 public:
  using LinearModel::LinearModel;
  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    return LinearModel::evaluate(set, norm, batch);
  }
};

TEST(ThreadsRuntime, EvaluationThatFallsBehindPausesTrainingOffTheClock) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(2000, 300, 6);
  TrainConfig config = small_config(dir.str(), "async");
  config.budget.updates = 0;
  config.budget.seconds = 0.6;
  config.eval.every_seconds = 0.02;  // a snapshot every 20 ms, each taking 40 ms to evaluate
  const RunResult r = testing::run_threads(
      config, data, [](uint64_t seed) { return std::make_unique<SlowEvaluation>(ImageShape{1, 4, 4}, seed); }, nullptr);
  const auto e = read_summary(dir.str())["evaluation"];
  EXPECT_GT(e["training_paused_seconds"].get<double>(), 0.2);
  EXPECT_LE(e["most_snapshots_held"].get<int>(), 2);
  EXPECT_GE(e["evaluated_during_training"].get<double>(), 0.8 * e["points_during_training"].get<double>());
  ASSERT_GE(r.rows.size(), 20u);
  for (size_t i = 1; i + 1 < r.rows.size(); ++i)  // snapshot times, not evaluation times
    EXPECT_NEAR(r.rows[i].time_s, 0.02 * static_cast<double>(i), 1e-9);
  EXPECT_NEAR(r.train_seconds, 0.6, 0.1);  // the pauses are not training time
}

TEST(ThreadsRuntime, TargetAccuracyStopsTheRunFromTheEvaluatorThread) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(2000, 300, 7);
  TrainConfig config = small_config(dir.str(), "async");
  config.budget.updates = 0;
  config.budget.seconds = 30;
  config.eval.every_seconds = 0.02;
  config.eval.target_accuracy = 0.9;
  const RunResult r = testing::run_threads(config, data, testing::linear_factory(), nullptr);
  EXPECT_EQ(r.status, RunStatus::kFinished);
  EXPECT_EQ(r.stop_reason, "target accuracy reached");
  ASSERT_GE(r.target_reached_seconds, 0.0);
  EXPECT_LE(r.train_seconds - r.target_reached_seconds, 0.02 + 0.11);  // one interval, and the monitor's wake-up
  EXPECT_LT(r.train_seconds, 10.0);
}

TEST(DelayModel, PicksItsShareOfWorkersFromTheSeed) {
  DelayModel a({DelayDistribution::kHalfNormal, 0.5, 0.25}, 25, 7), b({DelayDistribution::kHalfNormal, 0.5, 0.25}, 25, 7), c({DelayDistribution::kHalfNormal, 0.5, 0.25}, 25, 8);
  EXPECT_EQ(a.delayed_count(), 13);  // round(12.5)
  bool same_choice = true;
  for (int w = 0; w < 25; ++w) {
    EXPECT_EQ(a.delayed(w), b.delayed(w));
    same_choice = same_choice && a.delayed(w) == c.delayed(w);
    const double d = a.next(w);
    EXPECT_EQ(d, b.next(w));
    if (!a.delayed(w)) {
      EXPECT_EQ(d, 0.0);
    }
    EXPECT_GE(d, 0.0);
  }
  EXPECT_FALSE(same_choice);
}

TEST(DelayModel, HalfNormalHasTheRightMean) {
  DelayModel m({DelayDistribution::kHalfNormal, 1.0, 0.25}, 1, 1);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += m.next(0);
  EXPECT_NEAR(sum / 20000, 0.25 * std::sqrt(2 / M_PI), 0.005);  // E|N(0, s)| = s sqrt(2/pi)
  DelayModel none({DelayDistribution::kNone, 1.0, 0.25}, 3, 1);
  EXPECT_EQ(none.delayed_count(), 0);
}

}  // namespace
}  // namespace hsgd
