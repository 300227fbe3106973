// sharding.h: deterministic sharding of a training set over workers, and the
// per-worker minibatch order.
//
// shard_indices() shuffles 0..n-1 once with the run's seed and cuts the
// permutation into `num_shards` contiguous pieces whose sizes differ by at most
// one: the shards are disjoint and together cover the set. BatchSampler then
// walks one shard in a fresh seeded permutation every epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/common/rng.h"

namespace hsgd {

std::vector<size_t> shard_indices(size_t n, int num_shards, int shard, uint64_t seed);
// All shards at once (one permutation instead of one per shard); shard k
// equals shard_indices(n, num_shards, k, seed).
std::vector<std::vector<size_t>> all_shards(size_t n, int num_shards, uint64_t seed);

class BatchSampler {
 public:
  BatchSampler(std::vector<size_t> indices, size_t batch_size, uint64_t seed);

  // The indices of the next minibatch (always batch_size of them; a batch that
  // crosses an epoch boundary takes its tail from the next epoch's order).
  const std::vector<size_t>& next();

  size_t batch_size() const { return batch_size_; }
  size_t shard_size() const { return indices_.size(); }
  uint64_t samples_drawn() const { return samples_drawn_; }
  double epochs() const { return static_cast<double>(samples_drawn_) / indices_.size(); }

  // A new order of the shard from `seed`, from its start (an MPI worker rank
  // of a resumed run, whose old order is not in the checkpoint).
  void reseed(uint64_t seed);

  // The sampler's state for a checkpoint: cursor, samples drawn, the RNG's
  // words and this epoch's order of the shard (state_words() values).
  size_t state_words() const { return 2 + Rng::kStateWords + indices_.size(); }
  void save_state(uint64_t* out) const;
  // Restores a saved state of a sampler over the same shard; returns what is
  // wrong with it (empty when it was taken): the order must be a permutation
  // of this sampler's shard, the cursor within it, the RNG state valid.
  std::string restore_state(const uint64_t* in);

 private:
  std::vector<size_t> indices_;  // this worker's shard, in the current epoch's order
  std::vector<size_t> batch_;
  size_t batch_size_;
  size_t cursor_ = 0;
  uint64_t samples_drawn_ = 0;
  Rng rng_;
};

}  // namespace hsgd
