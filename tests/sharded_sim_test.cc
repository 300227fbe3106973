// sharded_sim_test.cc: the simulator with S server shards (--servers S):
// with a free network and free servers every mode equals one server bit for
// bit; sync with costs applies the same updates; each shard's accounting
// balances; S shards of a saturated server serve S times the gradients.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/runtime/run.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

TrainConfig sim_config(const std::string& out, const std::string& mode, int servers) {
  TrainConfig c;
  c.runtime = RuntimeKind::kSim;
  c.model = "linear";
  c.servers = servers;
  c.ps.mode = testing::mode(mode);
  if (c.ps.mode == Mode::kSsp) c.ps.ssp_bound = 1;
  if (c.ps.mode == Mode::kKSync || c.ps.mode == Mode::kKBatchAsync) c.ps.k = 3;
  c.ps.num_workers = 6;
  c.batch_size = 8;
  c.ps.sgd.lr = 0.3;
  c.ps.sgd.momentum = 0.5;
  c.schedule = "step:S=20";
  c.budget.seconds = 2.0;
  c.eval.every_seconds = 0.25;
  c.sim.compute_ms = 100;
  c.sim.latency_ms = 0;
  c.sim.bandwidth_mb_s = 0;
  c.delay.distribution = DelayDistribution::kHalfNormal;
  c.delay.scale = 0.05;
  c.threads = 1;
  c.out_dir = out;
  return c;
}

const Dataset& data() {
  static const Dataset d = testing::blobs_dataset(1200, 300, 5);
  return d;
}

RunResult run(const TrainConfig& c) { return testing::run_sim(c, data(), testing::linear_factory(), nullptr); }

nlohmann::json summary_of(const testing::TempDir& dir) {
  return nlohmann::json::parse(testing::read_file(dir.file("summary.json")));
}

class ShardedSim : public ::testing::TestWithParam<std::string> {};

// Free network and servers: every shard handles each gradient's slice at its
// arrival, in shard order, so the shards move in lockstep with one server.
TEST_P(ShardedSim, FreeShardsEqualOneServerBitForBit) {
  testing::TempDir one, three;
  run(sim_config(one.str(), GetParam(), 1));
  run(sim_config(three.str(), GetParam(), 3));
  const std::string metrics = testing::read_file(one.file("metrics.csv"));
  EXPECT_GT(metrics.size(), 200u);
  EXPECT_EQ(metrics, testing::read_file(three.file("metrics.csv")));
  const nlohmann::json shards = summary_of(three)["shards"];
  ASSERT_EQ(shards.size(), 3u);
  for (const auto& shard : shards) {
    EXPECT_TRUE(shard["accounting"]["balances"].get<bool>());
    EXPECT_EQ(shard["version"], summary_of(one)["accounting"]["updates"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ShardedSim, ::testing::Values("sync", "async", "hybrid", "ssp", "k-sync"));

// With costs the shards drift apart in time, but a sync round holds the
// same gradients on every shard: the parameters after update u are one
// server's after update u (the last row, at the update budget).
TEST(ShardedSimCosts, SyncWithCostsAppliesTheSameUpdatesAsOneServer) {
  testing::TempDir one, two;
  TrainConfig c1 = sim_config(one.str(), "sync", 1), c2 = sim_config(two.str(), "sync", 2);
  for (TrainConfig* c : {&c1, &c2}) {
    c->sim.latency_ms = 3;
    c->sim.bandwidth_mb_s = 1;  // 4 KB of parameters: 4 ms per message, 2 ms per slice
    c->sim.ps_gradient_ms = 2;
    c->sim.ps_update_ms = 7;
    c->budget.seconds = 0;
    c->budget.updates = 12;
  }
  const RunResult a = run(c1), b = run(c2);
  ASSERT_EQ(a.final_row().updates, 12u);
  ASSERT_EQ(b.final_row().updates, 12u);
  EXPECT_EQ(a.final_row().test_loss, b.final_row().test_loss);
  EXPECT_EQ(a.final_row().test_accuracy, b.final_row().test_accuracy);
  EXPECT_LT(b.final_row().time_s, a.final_row().time_s) << "half the bytes and costs per shard";
}

// Async on a saturated server (6 workers each 100 ms, 100 ms per update:
// load 5): one server applies 10 updates a second, two shards (50 ms per
// update each) 20 each, each shard counting and applying on its own, its
// accounting balanced.
TEST(ShardedSimCosts, ShardsOfASaturatedServerServeMoreGradients) {
  testing::TempDir one, two;
  TrainConfig c1 = sim_config(one.str(), "async", 1), c2 = sim_config(two.str(), "async", 2);
  c1.sim.ps_update_ms = c2.sim.ps_update_ms = 100;
  const RunResult a = run(c1), b = run(c2);
  EXPECT_NEAR(static_cast<double>(a.final_row().updates), 20, 1.5);
  // The row counts an update once every shard has applied it.
  EXPECT_GE(static_cast<double>(b.final_row().updates), 1.75 * static_cast<double>(a.final_row().updates));
  const nlohmann::json summary = summary_of(two);
  for (const auto& shard : summary["shards"]) {
    EXPECT_TRUE(shard["accounting"]["balances"].get<bool>());
    EXPECT_EQ(shard["accounting"]["applied"], shard["version"]) << "async: one update per gradient";
    EXPECT_GT(shard["staleness_mean"].get<double>(), 0.5);
    EXPECT_GE(shard["staleness_max"].get<double>(), shard["staleness_mean"].get<double>());
  }
  for (double busy : summary["simulator"]["server_busy_fraction"]) EXPECT_GT(busy, 0.9);  // idle only at the start
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  EXPECT_EQ(summary["accounting"]["received"].get<uint64_t>(),
            summary["shards"][0]["accounting"]["received"].get<uint64_t>() +
                summary["shards"][1]["accounting"]["received"].get<uint64_t>());
  // Every snapshot records each shard's version beside the gathered parameters.
  const std::string rows = testing::read_file(two.file("shards.csv"));
  EXPECT_EQ(rows.rfind("time_s,shard,first_param,params,version,", 0), 0u);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 1 + 2 * static_cast<long>(b.rows.size()));
}

// A cost per update that does not shrink with the bytes is paid by every
// shard in full: on one server it is --sim-ps-update-ms by another name, and
// two shards of a server saturated by it serve no more updates than one.
TEST(ShardedSimCosts, AFixedCostPerUpdateIsPaidInFullByEveryShard) {
  testing::TempDir shared, fixed, two;
  TrainConfig c = sim_config(shared.str(), "async", 1);
  c.sim.ps_update_ms = 100;
  const RunResult one = run(c);
  c.out_dir = fixed.str();
  c.sim.ps_update_ms = 0;
  c.sim.ps_update_fixed_ms = 100;
  run(c);
  EXPECT_EQ(testing::read_file(shared.file("metrics.csv")), testing::read_file(fixed.file("metrics.csv")));
  c.out_dir = two.str();
  c.servers = 2;
  const RunResult sharded = run(c);
  EXPECT_LE(sharded.final_row().updates, one.final_row().updates);
  EXPECT_GE(sharded.final_row().updates + 2, one.final_row().updates);
}

TEST(ShardedSimCosts, ShardedRunsAreDeterministic) {
  testing::TempDir a, b;
  TrainConfig ca = sim_config(a.str(), "hybrid", 3), cb = sim_config(b.str(), "hybrid", 3);
  for (TrainConfig* c : {&ca, &cb}) {
    c->sim.ps_update_ms = 20;
    c->sim.ps_gradient_ms = 3;
    c->sim.latency_ms = 1;
  }
  run(ca);
  run(cb);
  EXPECT_EQ(testing::read_file(a.file("metrics.csv")), testing::read_file(b.file("metrics.csv")));
  EXPECT_EQ(testing::read_file(a.file("shards.csv")), testing::read_file(b.file("shards.csv")));
}

// A sharded run stopped at a checkpoint and resumed writes the same files,
// byte for byte, as the run that went on: every shard's state, queue and
// waiting workers are in the checkpoint.
class ShardedSimResume : public ::testing::TestWithParam<std::string> {};

TEST_P(ShardedSimResume, ResumingGivesTheUninterruptedRunAndOtherShardCountsAreRefused) {
  testing::TempDir whole, part;
  TrainConfig c = sim_config(whole.str(), GetParam(), 3);
  c.sim.ps_update_ms = 20;
  c.sim.ps_gradient_ms = 3;
  c.sim.latency_ms = 1;
  c.checkpoint_every = 0.3;
  c.budget.seconds = 3;
  run(c);
  const CheckpointFile checkpoint =
      testing::stop_and_resume_sim(c, part.str(), 1.4, data(), testing::linear_factory(), /*num_params=*/1000)
          .checkpoint;
  EXPECT_EQ(testing::read_file(part.file("metrics.csv")), testing::read_file(whole.file("metrics.csv")));
  EXPECT_EQ(summary_of(part)["shards"], summary_of(whole)["shards"]);
  c.servers = 2;
  testing::TempDir other;
  c.out_dir = other.str();
  testing::expect_error<ConfigError>(
      [&] { testing::run_runtime(make_sim_runtime(), c, data(), testing::linear_factory(), nullptr, &checkpoint); },
      {"--servers (3 in the checkpoint, 2 now)"});
}

INSTANTIATE_TEST_SUITE_P(Modes, ShardedSimResume, ::testing::Values("sync", "async", "hybrid", "ssp"));

TEST(ShardedSimOptions, ServersOutOfRangeOrOnARuntimeThatDoesNotShardAreNamed) {
  TrainConfig c = sim_config("unused", "async", 65);
  testing::expect_error<ConfigError>([&] { c.validate(); }, {"--servers = 65", "[1, 64]"});
  c.servers = 2;
  c.runtime = RuntimeKind::kThreads;
  RuntimeTraits threads;  // a runtime with one server
  testing::expect_error<ConfigError>([&] { check_runtime_limits(c, threads); },
                                     {"--servers = 2", "--runtime threads", "[1, 1]"});
  c.runtime = RuntimeKind::kSim;
  c.sim.dispatch_ms = 1;
  testing::expect_error<ConfigError>([&] { c.validate(); }, {"--servers 2", "--sim-dispatch-ms"});
}

TEST(ShardedSimOptions, SixtyFourShardsOfASmallModelTrain) {
  testing::TempDir d;
  TrainConfig c = sim_config(d.str(), "async", 64);
  c.model = "linear";
  EXPECT_NO_THROW(run(c));  // 1000 parameters: 64 shards of about 16
}

}  // namespace
}  // namespace hsgd
