// round_robin_runtime_test.cc: a runtime added in one file. RoundRobinRuntime
// is the smallest runtime there is: its workers take turns (worker 0, 1, ...,
// N-1, 0, ...), each pulling the parameters, computing a gradient and pushing
// it, in virtual time (each gradient takes kGradientSeconds). Everything else
// (the PS and its modes, rows, evaluation, budgets, divergence, accounting,
// summary.json) is the harness's, and what sets it apart from the other
// runtimes it declares in traits(): nothing outside a runtime asks which one
// it is. Naming it on the command line would take a value in RuntimeKind and
// a row in runtime_registry.cc.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/data/sharding.h"
#include "hsgd/runtime/runtime.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

class RoundRobinRuntime : public Runtime {
 public:
  static constexpr double kGradientSeconds = 0.001;  // virtual time per gradient

  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.virtual_time = true;  // one gradient at a time, inline evaluation (the defaults)
    t.max_workers = 8;
    t.max_workers_reason = " (the round-robin test runtime)";
    t.checkpoints = false;
    return t;
  }

  RunResult train(RunHarness& run) override {
    const TrainConfig& c = run.config();
    const auto model = run.factory()(c.seed);  // one model, shared by the turns
    const auto shards = all_shards(run.data().train.size(), c.workers(), c.seed);
    std::vector<std::unique_ptr<GradientWorker>> workers;
    for (int w = 0; w < c.workers(); ++w)
      workers.push_back(std::make_unique<GradientWorker>(w, *model, run.data(), shards[w], c.batch_size,
                                                         c.seed + static_cast<uint64_t>(w)));
    run.evaluate_start();
    double now = 0, next_eval = c.eval.every_seconds;
    for (uint64_t turn = 0; !run.stopping(); ++turn) {
      GradientWorker& worker = *workers[turn % workers.size()];
      const uint64_t version = run.ps().version();
      const double loss = worker.compute(run.ps().params().data());
      now += kGradientSeconds;
      run.push(worker.id(), version, worker.gradient().data(), loss, now);
      run.check_time(now);
      for (; next_eval <= now && !run.stopping(); next_eval += c.eval.every_seconds) run.evaluate(next_eval);
    }
    return run.finish(now, {{"round_robin", {{"gradient_seconds", kGradientSeconds}}}});
  }
};

TrainConfig config_in(const std::string& out, Mode mode) {
  TrainConfig c;
  c.model = "linear";
  c.ps.mode = mode;
  c.ps.num_workers = 4;
  c.batch_size = 16;
  c.ps.sgd.lr = 0.5;
  c.budget.updates = 100;
  c.delay.distribution = DelayDistribution::kNone;
  c.eval.every_seconds = 0.05;
  c.threads = 1;
  c.out_dir = out;
  return c;
}

RunResult run_round_robin(const TrainConfig& config, const Dataset& data) {
  return testing::run_runtime(std::make_unique<RoundRobinRuntime>(), config, data, testing::linear_factory());
}

TEST(RoundRobinRuntime, TrainsEveryModeThroughTheHarness) {
  const Dataset data = testing::blobs_dataset(2000, 500, 1);
  for (Mode mode : {Mode::kSync, Mode::kAsync}) {
    testing::TempDir dir;
    const RunResult r = run_round_robin(config_in(dir.str(), mode), data);
    EXPECT_EQ(r.status, RunStatus::kFinished) << name_of(mode);
    ASSERT_GE(r.rows.size(), 2u);
    EXPECT_GT(r.final_row().test_accuracy, 0.9) << name_of(mode);
    EXPECT_EQ(r.final_row().updates, 100u);
    // sync: an update per round of 4 gradients; async: one per gradient
    EXPECT_EQ(r.final_row().gradients, mode == Mode::kSync ? 400u : 100u) << name_of(mode);
    const auto summary = nlohmann::json::parse(std::ifstream(dir.file("summary.json")));
    EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
    EXPECT_EQ(summary["round_robin"]["gradient_seconds"].get<double>(), RoundRobinRuntime::kGradientSeconds);
  }
}

TEST(RoundRobinRuntime, VirtualTimeMakesItDeterministic) {
  const Dataset data = testing::blobs_dataset(2000, 500, 1);
  testing::TempDir a, b;
  const RunResult ra = run_round_robin(config_in(a.str(), Mode::kHybrid), data);
  const RunResult rb = run_round_robin(config_in(b.str(), Mode::kHybrid), data);
  ASSERT_EQ(ra.rows.size(), rb.rows.size());
  for (size_t i = 0; i < ra.rows.size(); ++i) {
    EXPECT_EQ(ra.rows[i].time_s, rb.rows[i].time_s);
    EXPECT_EQ(ra.rows[i].test_loss, rb.rows[i].test_loss);
    EXPECT_EQ(ra.rows[i].updates, rb.rows[i].updates);
  }
}

TEST(RoundRobinRuntime, ItsTraitsAreWhatTheChecksRead) {
  const RoundRobinRuntime runtime;
  TrainConfig config = config_in("unused", Mode::kAsync);
  config.ps.num_workers = 9;
  testing::expect_error<ConfigError>([&] { prepare_config(runtime, config, true, 2); },
                                     {"--workers = 9 is out of range for --runtime", "must be in [1, 8]",
                                      "(the round-robin test runtime)"});
  config = config_in("unused", Mode::kAsync);
  config.checkpoint_every = 1;
  testing::expect_error<ConfigError>([&] { prepare_config(runtime, config, true, 2); },
                                     {"--checkpoint-every", "writes no checkpoints"});
  config = config_in("unused", Mode::kAsync);
  config.threads = 0;
  prepare_config(runtime, config, true, 8);
  EXPECT_EQ(config.threads, 8);  // one gradient at a time: every core
}

}  // namespace
}  // namespace hsgd
