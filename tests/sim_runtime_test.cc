// sim_runtime_test.cc: the simulator is deterministic, its clock behaves as
// the cost model says, and hybrid's limits are exactly async and sync.
#include "hsgd/runtime/sim_runtime.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/config/option_io.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

TrainConfig sim_config(const std::string& out, const std::string& mode) {
  TrainConfig c;
  c.runtime = RuntimeKind::kSim;
  c.model = "linear";
  c.ps.mode = testing::mode(mode);
  if (c.ps.mode == Mode::kSsp) c.ps.ssp_bound = 1;
  if (c.ps.mode == Mode::kKSync || c.ps.mode == Mode::kKBatchAsync) c.ps.k = 3;
  c.ps.num_workers = 6;
  c.batch_size = 8;
  c.ps.sgd.lr = 0.3;
  c.budget.seconds = 2.0;
  c.eval.every_seconds = 0.25;
  c.sim.compute_ms = 100;
  c.sim.latency_ms = 0;
  c.sim.bandwidth_mb_s = 0;
  c.delay.distribution = DelayDistribution::kNone;
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

RunResult run(const TrainConfig& c) { return testing::run_sim(c, data(), testing::linear_factory(), nullptr); }

// A run stopped at a checkpoint and resumed writes the same metrics, byte for
// byte, as the run that went on (docs/faults.md; the CLI test is resume_test.cc).
class SimResume : public ::testing::TestWithParam<std::string> {};

TEST_P(SimResume, ResumingFromACheckpointGivesTheUninterruptedRun) {
  testing::TempDir whole, part;
  TrainConfig c = sim_config(whole.str(), GetParam());
  c.delay.distribution = DelayDistribution::kHalfNormal;
  c.delay.scale = 0.05;
  c.schedule = "step:S=20";
  c.checkpoint_every = 0.3;
  c.budget.seconds = 3;
  const RunResult a = run(c);
  const auto [checkpoint, b] =
      testing::stop_and_resume_sim(c, part.str(), 1.4, data(), testing::linear_factory(), /*num_params=*/1000);
  EXPECT_DOUBLE_EQ(checkpoint_time(checkpoint), 1.4);
  EXPECT_EQ(file_text(part.str() + "/metrics.csv"), file_text(whole.str() + "/metrics.csv"));
  EXPECT_EQ(summary_of(part.str())["accounting"], summary_of(whole.str())["accounting"]);
  EXPECT_EQ(b.rows.size(), a.rows.size());
  // It went on from the checkpoint: it handled only the events after it.
  const uint64_t events_whole = summary_of(whole.str())["simulator"]["events"];
  const uint64_t events_resumed = summary_of(part.str())["simulator"]["events"];
  EXPECT_LT(events_resumed, events_whole * 2 / 3);
}

// The adaptive threshold's windows and decisions go through a checkpoint:
// the resumed run decides as the uninterrupted one did.
TEST(SimResume, AdaptiveKResumesWithItsMeasurements) {
  testing::TempDir whole, part;
  TrainConfig c = sim_config(whole.str(), "hybrid");
  c.schedule = "adaptive";
  c.ps.num_workers = 25;
  c.sim.ps_update_ms = 8;
  c.checkpoint_every = 0.3;
  c.budget.seconds = 3;
  run(c);
  testing::stop_and_resume_sim(c, part.str(), 1.0, data(), testing::linear_factory(), /*num_params=*/1000);
  EXPECT_EQ(file_text(part.str() + "/metrics.csv"), file_text(whole.str() + "/metrics.csv"));
  const std::string decisions = file_text(whole.str() + "/k_decisions.csv");
  EXPECT_EQ(file_text(part.str() + "/k_decisions.csv"), decisions);
  EXPECT_GE(std::count(decisions.begin(), decisions.end(), '\n'), 3) << decisions;  // header and two changes
}

// A checkpoint written before --ssp-bound and --k existed lacks them: at
// their defaults they mean what that run did, so it resumes; not otherwise.
TEST(SimResume, ACheckpointWithoutNewerOptionsResumesWhereTheyAreAtTheirDefaults) {
  testing::TempDir dir;
  TrainConfig c = sim_config(dir.str(), "async");
  c.checkpoint_every = 0.5;
  c.budget.seconds = 1;
  run(c);
  CheckpointFile checkpoint = read_run_checkpoint(dir.str(), c, /*num_params=*/1000);
  nlohmann::json meaning = nlohmann::json::parse(checkpoint.get("meta/config"));
  ASSERT_EQ(meaning.erase("ssp_bound") + meaning.erase("k"), 2u);
  checkpoint.set("meta/config", meaning.dump());
  c.budget.seconds = 2;
  EXPECT_NO_THROW(testing::run_runtime(make_sim_runtime(), c, data(), testing::linear_factory(), nullptr, &checkpoint));
  meaning.erase("max_staleness");
  checkpoint.set("meta/config", meaning.dump());
  c.ps.max_staleness = 5;  // not the default: not what the older run did
  try {
    testing::run_runtime(make_sim_runtime(), c, data(), testing::linear_factory(), nullptr, &checkpoint);
    FAIL() << "resumed with another meaning";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--max-staleness (absent in the checkpoint, 5 now)"), std::string::npos)
        << e.what();
  }
}

TEST(SimResume, ACheckpointOfAnotherConfigurationIsRefused) {
  testing::TempDir dir;
  TrainConfig c = sim_config(dir.str(), "hybrid");
  c.checkpoint_every = 0.5;
  run(c);
  const CheckpointFile checkpoint = read_run_checkpoint(dir.str(), c, /*num_params=*/1000);
  c.ps.sgd.lr = 0.2;
  try {
    testing::run_runtime(make_sim_runtime(), c, data(), testing::linear_factory(), nullptr, &checkpoint);
    FAIL() << "resumed with another learning rate";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--lr (0.3 in the checkpoint, 0.2 now)"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SimResume, ::testing::Values("sync", "async", "hybrid", "ssp", "k-sync"));

class SimDeterminism : public ::testing::TestWithParam<std::string> {};

TEST_P(SimDeterminism, SameSeedGivesByteIdenticalMetrics) {
  testing::TempDir a, b;
  TrainConfig ca = sim_config(a.str(), GetParam()), cb = sim_config(b.str(), GetParam());
  ca.delay.distribution = cb.delay.distribution = DelayDistribution::kHalfNormal;  // random delays, seeded
  ca.delay.scale = cb.delay.scale = 0.05;
  ca.schedule = cb.schedule = "step:S=20";
  run(ca);
  run(cb);
  const std::string ma = file_text(a.file("metrics.csv"));
  EXPECT_GT(ma.size(), 200u);
  EXPECT_EQ(ma, file_text(b.file("metrics.csv")));
  TrainConfig other = sim_config(b.str() + "/other", GetParam());
  other.delay.distribution = DelayDistribution::kHalfNormal;
  other.delay.scale = 0.05;
  other.schedule = "step:S=20";
  other.seed = 2;
  run(other);
  EXPECT_NE(ma, file_text(b.str() + "/other/metrics.csv"));
}

INSTANTIATE_TEST_SUITE_P(Modes, SimDeterminism,
                         ::testing::Values("sync", "async", "hybrid", "ssp", "k-sync", "k-batch-async"));

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
  ca.delay.distribution = cs.delay.distribution = DelayDistribution::kFixed;
  ca.delay.scale = cs.delay.scale = 0.1;  // +100 ms on 3 of 6 workers
  const RunResult async_run = run(ca), sync_run = run(cs);
  // sync: every round waits for a delayed worker: 200 ms per round, 10 rounds in 2 s.
  EXPECT_EQ(sync_run.final_row().updates, 10u);
  // async: 3 fast workers x 20 + 3 slow workers x 10.
  EXPECT_EQ(async_run.final_row().updates, 3u * 20 + 3u * 10);
}

// Backup workers cut a round's wait for the slowest: with 3 of 6 workers
// delayed by 100 ms and 3 backups, a round is the 3 fast workers' 100 ms, and
// the slow ones' gradients arrive late and are dropped. Deterministic.
TEST(Sim, BackupWorkersTakeTheSlowestOutOfTheRound) {
  testing::TempDir a, b;
  TrainConfig c = sim_config(a.str(), "sync");
  c.delay.distribution = DelayDistribution::kFixed;
  c.delay.scale = 0.1;
  c.ps.backup_workers = 3;
  const RunResult backup = run(c);
  EXPECT_EQ(backup.final_row().updates, 20u);  // 100 ms per round, as without delays
  const auto s = summary_of(a.str());
  EXPECT_GT(s["accounting"]["dropped"]["late-backup"].get<uint64_t>(), 0u);
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_NE(s["schedule"].get<std::string>().find("3 backup worker(s)"), std::string::npos);
  c.out_dir = b.str();
  run(c);
  EXPECT_EQ(file_text(a.file("metrics.csv")), file_text(b.file("metrics.csv")));
}

// SSP with bound 1: the 3 fast workers (100 ms) may run at most one clock
// ahead of the 3 slow ones (200 ms with a fixed 100-ms delay), so they wait
// about every other step: fewer updates than async's 3 x 20 + 3 x 10, more than
// the slow ones alone allow. Deterministic: two runs, byte-identical metrics.
TEST(Sim, SspHoldsTheFastWorkersWithinTheBoundOfTheSlowest) {
  testing::TempDir a, b, async_dir;
  TrainConfig c = sim_config(a.str(), "ssp");
  c.delay.distribution = DelayDistribution::kFixed;
  c.delay.scale = 0.1;
  c.ps.ssp_bound = 1;
  const RunResult ssp = run(c);
  const auto s = summary_of(a.str());
  EXPECT_GT(s["ssp"]["waits"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["ssp"]["bound"].get<int64_t>(), 1);
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  // Slow workers push 10 each; a fast one at most bound + 1 clocks past them.
  EXPECT_GE(ssp.final_row().updates, 3u * 10 + 3u * 10);
  EXPECT_LE(ssp.final_row().updates, 3u * 10 + 3u * (10 + 2));
  TrainConfig ca = c;
  ca.ps.mode = Mode::kAsync;
  ca.ps.ssp_bound = -1;
  ca.out_dir = async_dir.str();
  EXPECT_EQ(run(ca).final_row().updates, 3u * 20 + 3u * 10);
  c.out_dir = b.str();
  run(c);
  EXPECT_EQ(file_text(a.file("metrics.csv")), file_text(b.file("metrics.csv")));
}

// The adaptive threshold: on a free server (the committed suites' world) K
// stays 1, exactly async; with 8 ms per update and 25 workers of 100 ms
// (250 gradients/s against a server that applies 125 updates/s) K grows, and
// every change is in k_decisions.csv with its reasons. Deterministic.
TEST(Sim, AdaptiveKIsOneOnAFreeServerAndGrowsWhenTheServerSaturates) {
  testing::TempDir free_dir, async_dir, busy, busy_again;
  TrainConfig c = sim_config(free_dir.str(), "hybrid");
  c.schedule = "adaptive";
  c.ps.num_workers = 25;
  run(c);
  EXPECT_EQ(summary_of(free_dir.str())["adaptive"]["k"].get<int>(), 1);
  EXPECT_EQ(file_text(free_dir.file("k_decisions.csv")),
            "time_s,gradients,k_before,k_after,arrival_rate_per_s,update_ms,gradient_ms,utilisation\n");
  TrainConfig ca = sim_config(async_dir.str(), "async");
  ca.ps.num_workers = 25;
  run(ca);
  EXPECT_EQ(file_text(free_dir.file("metrics.csv")), file_text(async_dir.file("metrics.csv")));

  c.sim.ps_update_ms = 8;
  c.out_dir = busy.str();
  const RunResult r = run(c);
  const auto s = summary_of(busy.str());
  EXPECT_GE(s["adaptive"]["k"].get<int>(), 3);  // 250/s x 8 ms / 0.8 = 2.5
  EXPECT_LE(s["adaptive"]["utilisation"].get<double>(), 0.8);
  EXPECT_GT(r.final_row().k, 1);
  const std::string decisions = file_text(busy.file("k_decisions.csv"));
  EXPECT_NE(decisions.find("\n"), decisions.rfind("\n")) << "no decision recorded:\n" << decisions;
  c.out_dir = busy_again.str();
  run(c);
  EXPECT_EQ(file_text(busy.file("metrics.csv")), file_text(busy_again.file("metrics.csv")));
  EXPECT_EQ(decisions, file_text(busy_again.file("k_decisions.csv")));
}

// Dutta et al.'s names are hybrid with a constant K: k-sync = wait applied,
// k-batch-async = wait none, the same runs byte for byte.
TEST(Sim, KSyncAndKBatchAsyncAreHybridWithAConstantK) {
  for (const char* mode : {"k-sync", "k-batch-async"}) {
    testing::TempDir k_dir, h_dir;
    TrainConfig ck = sim_config(k_dir.str(), mode), ch = sim_config(h_dir.str(), "hybrid");
    ck.delay.distribution = ch.delay.distribution = DelayDistribution::kHalfNormal;
    ck.delay.scale = ch.delay.scale = 0.05;
    ck.ps.k = 3;
    ch.schedule = "constant:3";
    ch.ps.wait = std::string(mode) == "k-sync" ? WaitPolicy::kApplied : WaitPolicy::kNone;
    run(ck);
    run(ch);
    EXPECT_EQ(file_text(k_dir.file("metrics.csv")), file_text(h_dir.file("metrics.csv"))) << mode;
    EXPECT_EQ(summary_of(k_dir.str())["wait"], summary_of(h_dir.str())["wait"]) << mode;
  }
}

// GBA is hybrid with K = the workers and no waiting, plus its decay: with a
// tolerance no gradient reaches the run is that hybrid run byte for byte; with
// the default tolerance (1) the delayed workers' stale gradients are decayed,
// and the run differs.
TEST(Sim, GbaIsHybridWithKEqualNNoWaitAndDecay) {
  testing::TempDir g_dir, h_dir, d_dir;
  TrainConfig cg = sim_config(g_dir.str(), "gba"), ch = sim_config(h_dir.str(), "hybrid"),
              cd = sim_config(d_dir.str(), "gba");
  for (TrainConfig* c : {&cg, &ch, &cd}) {
    c->delay.distribution = DelayDistribution::kHalfNormal;
    c->delay.scale = 0.3;
  }
  cg.ps.gba_tolerance = 1000000;
  ch.schedule = "constant:6";
  ch.ps.wait = WaitPolicy::kNone;
  run(cg);
  run(ch);
  run(cd);
  EXPECT_EQ(file_text(g_dir.file("metrics.csv")), file_text(h_dir.file("metrics.csv")));
  EXPECT_NE(file_text(d_dir.file("metrics.csv")), file_text(h_dir.file("metrics.csv")));
  EXPECT_EQ(summary_of(d_dir.str())["wait"], "none");
  EXPECT_GT(summary_of(d_dir.str())["staleness_histogram"].size(), 2u);  // gradients past iota = 1: decayed
}

TEST(Sim, HybridWithKOneIsExactlyAsync) {
  testing::TempDir a, h;
  TrainConfig ca = sim_config(a.str(), "async"), ch = sim_config(h.str(), "hybrid");
  ca.delay.distribution = ch.delay.distribution = DelayDistribution::kHalfNormal;
  ca.delay.scale = ch.delay.scale = 0.05;
  ch.schedule = "constant:1";
  run(ca);
  run(ch);
  EXPECT_EQ(file_text(a.file("metrics.csv")), file_text(h.file("metrics.csv")));
}

TEST(Sim, HybridWithKEqualNAndWaitAppliedIsExactlySync) {
  testing::TempDir s, h;
  TrainConfig cs = sim_config(s.str(), "sync"), ch = sim_config(h.str(), "hybrid");
  cs.delay.distribution = ch.delay.distribution = DelayDistribution::kHalfNormal;
  cs.delay.scale = ch.delay.scale = 0.05;
  ch.schedule = "constant:6";
  ch.ps.wait = WaitPolicy::kApplied;
  run(cs);
  run(ch);
  EXPECT_EQ(file_text(s.file("metrics.csv")), file_text(h.file("metrics.csv")));
}

TEST(Sim, NetworkAndPsCostsAddUp) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "sync");
  c.ps.num_workers = 1;
  c.sim.latency_ms = 5;       // 2 messages per step: +10 ms
  c.sim.ps_update_ms = 15;    // +15 ms per update
  c.budget.seconds = 1.25;           // 100 + 10 + 15 = 125 ms per step: 10 steps
  EXPECT_EQ(run(c).final_row().updates, 10u);
}

// A serial driver of 50 ms per gradient in front of a free PS: 6 async
// workers at 100 ms per minibatch would push 60 gradients per second; the
// driver passes 20.
TEST(Sim, SerialDriverLimitsThroughput) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async");
  c.sim.dispatch_ms = 50;
  const RunResult r = run(c);
  EXPECT_GE(r.final_row().updates, 38u);  // 2 s / 50 ms, less those still queued at the end
  EXPECT_LE(r.final_row().updates, 40u);
}

// One worker, sync: each step is 100 ms of compute; after every 2nd gradient
// the driver is blocked for 100 ms, so two steps take 300 ms.
TEST(Sim, DriverEvaluationsBlockEveryNUpdatesOrSeconds) {
  testing::TempDir d, t;
  TrainConfig c = sim_config(d.str(), "sync");
  c.ps.num_workers = 1;
  c.budget.seconds = 3.0;
  c.sim.driver_eval_ms = 100;
  c.sim.driver_eval_every = 2;
  const RunResult r = run(c);
  EXPECT_EQ(r.final_row().updates, 20u);  // 10 pairs of 300 ms in 3 s
  EXPECT_EQ(summary_of(d.str())["simulator"]["driver_evaluations"], 10);
  TrainConfig timed = sim_config(t.str(), "sync");
  timed.ps.num_workers = 1;
  timed.budget.seconds = 3.0;
  timed.sim.driver_eval_ms = 100;
  timed.sim.driver_eval_seconds = 1.0;  // at 1, 2 and 3 s, each just before a gradient arrives
  EXPECT_EQ(run(timed).final_row().updates, 27u);  // 10 + 9 + 9, less the one held past the budget at 3 s
}

// Ray's loop counts iterations: one round in sync. Two sync workers of 100 ms,
// an evaluation of 100 ms every 2 updates: 2 rounds take 300 ms, the next
// round starting after the evaluation (20 updates in 3 s). Counting gradients
// instead, the driver evaluates every round: 200 ms per round (15 updates).
TEST(Sim, DriverEvaluationsCanCountUpdates) {
  auto updates_with = [](sim::DriverEvalUnit unit) {
    testing::TempDir d;
    TrainConfig c = sim_config(d.str(), "sync");
    c.ps.num_workers = 2;
    c.budget.seconds = 3.0;
    c.sim.driver_eval_ms = 100;
    c.sim.driver_eval_every = 2;
    c.sim.driver_eval_unit = unit;
    const RunResult r = run(c);
    return std::make_pair(r.final_row().updates, summary_of(d.str())["simulator"]["driver_evaluations"].get<int>());
  };
  const auto [by_updates, evaluations] = updates_with(sim::DriverEvalUnit::kUpdates);
  EXPECT_EQ(by_updates, 20u);
  EXPECT_EQ(evaluations, 10);
  EXPECT_EQ(updates_with(sim::DriverEvalUnit::kGradients).first, 15u);
}

// Workers start one after another: nothing arrives before the first start,
// and the last worker's first gradient comes after its own start.
TEST(Sim, StaggeredStartDelaysEachWorker) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async");
  c.sim.start_s = 0.5;
  c.sim.start_spread_s = 1.0;  // workers start at 0.5, 0.7, ..., 1.5 s
  const RunResult r = run(c);
  for (const auto& row : r.rows) {
    if (row.time_s < 0.6) {
      EXPECT_EQ(row.gradients, 0u) << row.time_s;
    }
  }
  // worker w pushes floor((2 - start_w) / 0.1) gradients: 15 + 13 + 11 + 9 + 7 + 5
  EXPECT_EQ(r.final_row().gradients, 60u);
}

// A gradient that costs the PS nothing (buffered, G = 0) must not hold up
// the ones queued behind it: hybrid with K = 3 and 20 ms per update serves 6
// workers of 100 ms without becoming the bottleneck (150 gradients/s of
// capacity for 60 offered).
TEST(Sim, FreeBufferedGradientsDoNotStallThePsQueue) {
  for (const char* mode : {"hybrid", "sync"}) {
    testing::TempDir d;
    TrainConfig c = sim_config(d.str(), mode);
    c.schedule = "constant:3";
    c.sim.ps_update_ms = 20;
    const RunResult r = run(c);
    EXPECT_GE(r.final_row().gradients, 90u) << mode;  // 120 with a free PS; a stalled queue gives a handful
  }
}

TEST(Sim, SpeedFactorsScaleComputeTime) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async");
  c.ps.num_workers = 2;
  c.sim.speed = {1, 2};  // worker 1 is half as fast
  const RunResult r = run(c);
  EXPECT_EQ(r.final_row().updates, 20u + 10u);
}

TEST(Sim, LearnsAndRecordsTheCostModel) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "hybrid");
  c.schedule = "step:S=30";
  c.budget.seconds = 5;
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
  c.sim.compute = sim::ComputeCost::kCalibrated;
  c.budget.seconds = 0;
  c.budget.updates = 200;
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
  c.sim.speed = {1, -2};
  testing::expect_error<ConfigError>([&] { c.validate(); }, {"--sim-speeds", "-2", "in (0, 1000000]"});
  c = sim_config("unused", "async");
  testing::expect_error<ConfigError>([&] { set_option(c, "sim-compute", "guess"); },
                                     {"--sim-compute guess: unknown compute cost; expected fixed, calibrated or measured"});
}

}  // namespace
}  // namespace hsgd
