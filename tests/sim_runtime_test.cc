// sim_runtime_test.cc: the simulator is deterministic, its clock behaves as
// the cost model says, and hybrid's limits are exactly async and sync.
#include "hsgd/runtime/sim_runtime.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hsgd/common/error.h"
#include "tests/linear_model.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

TrainConfig sim_config(const std::string& out, const std::string& mode) {
  TrainConfig c;
  c.runtime = "sim";
  c.model = "linear";
  c.mode = mode;
  c.workers = 6;
  c.batch_size = 8;
  c.lr = 0.3;
  c.seconds = 2.0;
  c.eval_every_seconds = 0.25;
  c.sim_compute_ms = 100;
  c.sim_latency_ms = 0;
  c.sim_bandwidth_mb_s = 0;
  c.delay = "none";
  c.threads = 1;
  c.out_dir = out;
  return c;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json summary_of(const std::string& dir) { return nlohmann::json::parse(file_text(dir + "/summary.json")); }

const Dataset& data() {
  static const Dataset d = testing::blobs_dataset(1200, 300, 5);
  return d;
}

RunResult run(const TrainConfig& c) { return run_sim(c, data(), testing::linear_factory(), nullptr); }

class SimDeterminism : public ::testing::TestWithParam<std::string> {};

TEST_P(SimDeterminism, SameSeedGivesByteIdenticalMetrics) {
  testing::TempDir a, b;
  TrainConfig ca = sim_config(a.str(), GetParam()), cb = sim_config(b.str(), GetParam());
  ca.delay = cb.delay = "half-normal";  // random delays, seeded
  ca.delay_scale = cb.delay_scale = 0.05;
  ca.schedule = cb.schedule = "step:S=20";
  run(ca);
  run(cb);
  const std::string ma = file_text(a.file("metrics.csv"));
  EXPECT_GT(ma.size(), 200u);
  EXPECT_EQ(ma, file_text(b.file("metrics.csv")));
  TrainConfig other = sim_config(b.str() + "/other", GetParam());
  other.delay = "half-normal";
  other.delay_scale = 0.05;
  other.schedule = "step:S=20";
  other.seed = 2;
  run(other);
  EXPECT_NE(ma, file_text(b.str() + "/other/metrics.csv"));
}

INSTANTIATE_TEST_SUITE_P(Modes, SimDeterminism, ::testing::Values("sync", "async", "hybrid"));

TEST(Sim, WithoutDelaysAsyncAppliesNUpdatesPerComputeIntervalAndSyncOne) {
  testing::TempDir a, s;
  // 2 s at 100 ms per minibatch: 20 intervals of 6 workers.
  const RunResult async_run = run(sim_config(a.str(), "async"));
  const RunResult sync_run = run(sim_config(s.str(), "sync"));
  EXPECT_EQ(async_run.final_row().updates, 20u * 6);
  EXPECT_EQ(sync_run.final_row().updates, 20u);
  EXPECT_EQ(sync_run.final_row().gradients, 20u * 6);
  // At t = 1 s (row 4 of every 0.25 s), async has done 10 intervals.
  EXPECT_DOUBLE_EQ(async_run.rows[4].time_s, 1.0);
  EXPECT_EQ(async_run.rows[4].updates, 10u * 6);
}

TEST(Sim, DelaysOnHalfTheWorkersSlowSyncToTheSlowestButNotAsync) {
  testing::TempDir a, s;
  TrainConfig ca = sim_config(a.str(), "async"), cs = sim_config(s.str(), "sync");
  ca.delay = cs.delay = "fixed";
  ca.delay_scale = cs.delay_scale = 0.1;  // +100 ms on 3 of 6 workers
  const RunResult async_run = run(ca), sync_run = run(cs);
  // sync: every round waits for a delayed worker: 200 ms per round, 10 rounds in 2 s.
  EXPECT_EQ(sync_run.final_row().updates, 10u);
  // async: 3 fast workers x 20 + 3 slow workers x 10.
  EXPECT_EQ(async_run.final_row().updates, 3u * 20 + 3u * 10);
}

TEST(Sim, HybridWithKOneIsExactlyAsync) {
  testing::TempDir a, h;
  TrainConfig ca = sim_config(a.str(), "async"), ch = sim_config(h.str(), "hybrid");
  ca.delay = ch.delay = "half-normal";
  ca.delay_scale = ch.delay_scale = 0.05;
  ch.schedule = "constant:1";
  run(ca);
  run(ch);
  EXPECT_EQ(file_text(a.file("metrics.csv")), file_text(h.file("metrics.csv")));
}

TEST(Sim, HybridWithKEqualNAndWaitAppliedIsExactlySync) {
  testing::TempDir s, h;
  TrainConfig cs = sim_config(s.str(), "sync"), ch = sim_config(h.str(), "hybrid");
  cs.delay = ch.delay = "half-normal";
  cs.delay_scale = ch.delay_scale = 0.05;
  ch.schedule = "constant:6";
  ch.wait = "applied";
  run(cs);
  run(ch);
  EXPECT_EQ(file_text(s.file("metrics.csv")), file_text(h.file("metrics.csv")));
}

TEST(Sim, NetworkAndPsCostsAddUp) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "sync");
  c.workers = 1;
  c.sim_latency_ms = 5;       // 2 messages per step: +10 ms
  c.sim_ps_update_ms = 15;    // +15 ms per update
  c.seconds = 1.25;           // 100 + 10 + 15 = 125 ms per step: 10 steps
  EXPECT_EQ(run(c).final_row().updates, 10u);
}

TEST(Sim, SpeedFactorsScaleComputeTime) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async");
  c.workers = 2;
  c.sim_speeds = "1,2";  // worker 1 is half as fast
  const RunResult r = run(c);
  EXPECT_EQ(r.final_row().updates, 20u + 10u);
}

TEST(Sim, LearnsAndRecordsTheCostModel) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "hybrid");
  c.schedule = "step:S=30";
  c.seconds = 5;
  const RunResult r = run(c);
  EXPECT_GT(r.final_row().test_accuracy, 0.85);
  const auto summary = summary_of(d.str());
  EXPECT_EQ(summary["time"], "virtual");
  EXPECT_EQ(summary["simulator"]["compute_ms"], 100.0);
  EXPECT_TRUE(summary["simulator"]["reproducible"].get<bool>());
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  EXPECT_GE(summary["simulator"]["real_seconds"].get<double>(), 0.0);
}

TEST(Sim, CalibratedComputeTimeIsMeasuredOnceAndRecorded) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async");
  c.sim_compute = "calibrated";
  c.seconds = 0;
  c.updates = 200;
  run(c);
  const auto summary = summary_of(d.str());
  const double ms = summary["simulator"]["calibrated_compute_ms"].get<double>();
  EXPECT_GT(ms, 0.0);
  EXPECT_EQ(summary["simulator"]["compute_ms"].get<double>(), ms);
  // 200 updates of 6 equal workers at `ms` each: about 200 / 6 compute intervals.
  EXPECT_NEAR(summary["final"]["time_s"].get<double>(), 200.0 / 6 * ms * 1e-3, 2 * ms * 1e-3);
}

TEST(Sim, BadCostModelValuesAreNamed) {
  TrainConfig c = sim_config("unused", "async");
  c.sim_speeds = "1,-2";
  testing::expect_error<ConfigError>([&] { c.validate(); }, {"--sim-speeds", "'-2' is not a positive number"});
  c = sim_config("unused", "async");
  c.sim_compute = "guess";
  testing::expect_error<ConfigError>([&] { c.validate(); }, {"--sim-compute guess"});
}

}  // namespace
}  // namespace hsgd
