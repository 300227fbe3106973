// sharding_test.cc: shards are disjoint, cover the set, and are reproducible.
#include "hsgd/data/sharding.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

namespace hsgd {
namespace {

class ShardingTest : public ::testing::TestWithParam<std::tuple<size_t, int>> {};

TEST_P(ShardingTest, DisjointAndCovering) {
  const auto [n, workers] = GetParam();
  std::vector<int> seen(n, 0);
  size_t smallest = n, largest = 0;
  for (int w = 0; w < workers; ++w) {
    const auto shard = shard_indices(n, workers, w, 42);
    smallest = std::min(smallest, shard.size());
    largest = std::max(largest, shard.size());
    for (size_t i : shard) {
      ASSERT_LT(i, n);
      ++seen[i];
    }
  }
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "index " << i;
  EXPECT_LE(largest - smallest, 1u);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ShardingTest,
                         ::testing::Values(std::make_tuple(size_t{60000}, 25), std::make_tuple(size_t{10}, 3),
                                           std::make_tuple(size_t{7}, 7), std::make_tuple(size_t{100}, 1)));

TEST(Sharding, SameSeedSameShardsOtherSeedOthers) {
  EXPECT_EQ(shard_indices(1000, 4, 2, 7), shard_indices(1000, 4, 2, 7));
  EXPECT_NE(shard_indices(1000, 4, 2, 7), shard_indices(1000, 4, 2, 8));
}

TEST(Sharding, AllShardsAtOnceEqualsOneByOne) {
  const auto shards = all_shards(1003, 7, 9);
  ASSERT_EQ(shards.size(), 7u);
  for (int s = 0; s < 7; ++s) EXPECT_EQ(shards[s], shard_indices(1003, 7, s, 9));
}

TEST(Sharding, ShardsAreShuffledNotContiguous) {
  const auto shard = shard_indices(1000, 2, 0, 1);
  EXPECT_FALSE(std::is_sorted(shard.begin(), shard.end()));
}

TEST(BatchSampler, EachEpochVisitsTheShardOnce) {
  std::vector<size_t> shard = {3, 5, 8, 13, 21, 34};
  BatchSampler sampler(shard, 2, 99);
  std::multiset<size_t> epoch;
  for (int b = 0; b < 3; ++b)
    for (size_t i : sampler.next()) epoch.insert(i);
  EXPECT_EQ(epoch, std::multiset<size_t>(shard.begin(), shard.end()));
  EXPECT_DOUBLE_EQ(sampler.epochs(), 1.0);
}

TEST(BatchSampler, BatchesCrossEpochsAndStayFull) {
  BatchSampler sampler({1, 2, 3, 4, 5}, 4, 1);
  for (int b = 0; b < 10; ++b) EXPECT_EQ(sampler.next().size(), 4u);
  EXPECT_DOUBLE_EQ(sampler.epochs(), 8.0);
}

TEST(BatchSampler, DeterministicPerSeed) {
  BatchSampler a({1, 2, 3, 4, 5, 6, 7, 8}, 3, 5), b({1, 2, 3, 4, 5, 6, 7, 8}, 3, 5);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(a.next(), b.next());
}

}  // namespace
}  // namespace hsgd

namespace hsgd {
namespace {

TEST(BatchSampler, ARestoredStateGoesOnExactlyAsTheOriginal) {
  BatchSampler a(shard_indices(100, 3, 1, 7), 8, 11);
  for (int i = 0; i < 9; ++i) a.next();  // past an epoch boundary (33 or 34 samples)
  std::vector<uint64_t> state(a.state_words());
  a.save_state(state.data());
  BatchSampler b(shard_indices(100, 3, 1, 7), 8, 11);
  ASSERT_EQ(b.restore_state(state.data()), "");
  EXPECT_EQ(b.samples_drawn(), a.samples_drawn());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(b.next(), a.next()) << "batch " << i;
}

TEST(BatchSampler, AStateThatIsNotThisShardsIsRefusedAndChangesNothing) {
  BatchSampler a(shard_indices(100, 3, 1, 7), 8, 11);
  std::vector<uint64_t> state(a.state_words());
  a.save_state(state.data());
  BatchSampler fresh(shard_indices(100, 3, 1, 7), 8, 11);
  const std::vector<size_t> first = BatchSampler(shard_indices(100, 3, 1, 7), 8, 11).next();
  std::vector<uint64_t> bad = state;
  bad.back() = 99999;  // not a sample of this shard
  EXPECT_NE(fresh.restore_state(bad.data()).find("not a permutation"), std::string::npos);
  bad = state;
  bad[0] = 1000;  // cursor beyond the shard
  EXPECT_NE(fresh.restore_state(bad.data()).find("cursor"), std::string::npos);
  bad = state;
  std::fill(bad.begin() + 2, bad.begin() + 2 + Rng::kStateWords, 0);
  EXPECT_NE(fresh.restore_state(bad.data()).find("all zero"), std::string::npos);
  EXPECT_EQ(fresh.next(), first);
}

}  // namespace
}  // namespace hsgd
