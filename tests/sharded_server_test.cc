// sharded_server_test.cc: the slices of a sharded server (balanced by bytes,
// contiguous, aligned) and the shards' aggregates: one shard is exactly one
// ParameterServer, and sync shards apply the updates one server would.
#include "hsgd/ps/sharded_server.h"

#include <numeric>

#include "hsgd/common/rng.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

PsOptions options(Mode mode, int workers) {
  PsOptions o;
  o.mode = mode;
  o.num_workers = workers;
  o.sgd.lr = 0.1;
  o.sgd.momentum = 0.9;
  return o;
}

std::vector<float> random_vector(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.uniform01() - 0.5);
  return v;
}

TEST(ShardLayout, SlicesCoverTheBufferInOrderBalancedByBytesOnCacheLines) {
  for (size_t n : {16u * 7, 1000u, 1960u, 20'000'003u}) {
    for (int shards : {1, 2, 3, 5, 7}) {
      const std::vector<ParamSlice> slices = balance_slices(n, shards);
      ASSERT_EQ(slices.size(), static_cast<size_t>(shards));
      size_t next = 0, smallest = n, largest = 0;
      for (const ParamSlice& s : slices) {
        EXPECT_EQ(s.begin, next) << "contiguous";
        EXPECT_EQ(s.begin % kSliceAlignFloats, 0u) << "on a cache line";
        EXPECT_GT(s.size, 0u);
        next = s.end();
        smallest = std::min(smallest, s.size);
        largest = std::max(largest, s.size);
      }
      EXPECT_EQ(next, n);
      EXPECT_LT(largest - smallest, 2 * kSliceAlignFloats) << n << " parameters, " << shards << " shards";
    }
  }
}

TEST(ShardLayout, AModelSmallerThanACacheLinePerShardIsSplitByParameter) {
  const std::vector<ParamSlice> slices = balance_slices(10, 3);
  EXPECT_EQ(slices[0].size + slices[1].size + slices[2].size, 10u);
  for (const ParamSlice& s : slices) EXPECT_GE(s.size, 3u);
  EXPECT_THROW(balance_slices(2, 3), InvariantError);
}

TEST(ShardedServer, OneShardIsTheParameterServerItself) {
  Rng rng(7);
  const std::vector<float> init = random_vector(100, rng);
  ShardedServer servers(init, options(Mode::kAsync, 3), 1);
  ParameterServer alone(init, options(Mode::kAsync, 3));
  for (int i = 0; i < 12; ++i) {
    const std::vector<float> g = random_vector(100, rng);
    servers.shard(0).push(i % 3, servers.shard(0).version(), g.data(), i);
    alone.push(i % 3, alone.version(), g.data(), i);
  }
  EXPECT_EQ(servers.gather_params(), alone.params());
  EXPECT_EQ(servers.gradients(), alone.accounting().received);
  EXPECT_EQ(servers.updates(), alone.accounting().updates);
  EXPECT_EQ(servers.staleness_histogram(), alone.staleness_histogram());
  CheckpointFile a, b;
  servers.save_state(a);
  alone.save_state(b);
  EXPECT_EQ(a.serialize(), b.serialize()) << "the same sections as one server";
}

// Sync: every shard's round holds the same gradients, so S shards apply the
// same updates, bit for bit, as one server (SGD with momentum is elementwise).
TEST(ShardedServer, SyncShardsApplyTheUpdatesOfOneServer) {
  Rng rng(3);
  const size_t n = 1000;
  const std::vector<float> init = random_vector(n, rng);
  ShardedServer servers(init, options(Mode::kSync, 4), 3);
  ParameterServer alone(init, options(Mode::kSync, 4));
  for (int round = 0; round < 5; ++round) {
    for (int w = 0; w < 4; ++w) {
      const std::vector<float> g = random_vector(n, rng);
      for (int s = 0; s < servers.count(); ++s)
        servers.shard(s).push(w, servers.shard(s).version(), g.data() + servers.slice(s).begin, round);
      alone.push(w, alone.version(), g.data(), round);
    }
    EXPECT_EQ(servers.gather_params(), alone.params()) << "after round " << round;
  }
  EXPECT_EQ(servers.versions(), std::vector<uint64_t>(3, 5));
  EXPECT_EQ(servers.total().received, 3u * 20);
  EXPECT_TRUE(servers.balances());
}

TEST(ShardedServer, EachShardCheckpointsItsStateAndADifferentShardCountIsRefused) {
  Rng rng(5);
  const std::vector<float> init = random_vector(200, rng);
  ShardedServer servers(init, options(Mode::kAsync, 2), 2);
  const std::vector<float> g = random_vector(200, rng);
  servers.shard(1).push(0, 0, g.data() + servers.slice(1).begin, 0);  // only shard 1 moves
  servers.shard(1).push(1, 0, g.data() + servers.slice(1).begin, 0);  // staleness 1
  EXPECT_EQ(servers.take_staleness_window().count, 2u);
  EXPECT_EQ(servers.staleness_total(1).sum, 1u);
  CheckpointFile saved;
  servers.save_state(saved);
  const CheckpointFile file = CheckpointFile::parse(saved.serialize(), "c.bin");
  ShardedServer restored(init, options(Mode::kAsync, 2), 2);
  restored.restore_state(file, false);
  EXPECT_EQ(restored.versions(), (std::vector<uint64_t>{0, 2}));
  EXPECT_EQ(restored.staleness_total(1).count, 2u);
  EXPECT_EQ(restored.staleness_total(1).max, 1u);
  EXPECT_EQ(restored.gather_params(), servers.gather_params());
  ShardedServer one(init, options(Mode::kAsync, 2), 1);
  EXPECT_THROW(one.restore_state(file, false), CheckpointError);
  testing::expect_error<CheckpointError>(
      [&] {
        ShardedServer three(init, options(Mode::kAsync, 2), 3);
        three.restore_state(file, false);
      },
      {"c.bin", "ps/shard2"});
}

}  // namespace
}  // namespace hsgd
