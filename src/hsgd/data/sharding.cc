// sharding.cc: seeded shards and epoch-wise shuffled minibatches.
#include "hsgd/data/sharding.h"

#include <algorithm>
#include <numeric>

#include "hsgd/common/error.h"

namespace hsgd {

namespace {

std::vector<size_t> permutation(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(derive_seed(seed, 0x5A4D));  // the same permutation for every shard
  rng.shuffle(order);
  return order;
}

std::vector<size_t> piece(const std::vector<size_t>& order, int num_shards, int shard) {
  const size_t n = order.size(), base = n / num_shards, extra = n % num_shards;
  const size_t s = static_cast<size_t>(shard);
  const size_t begin = s * base + std::min(s, extra);
  const size_t size = base + (s < extra ? 1 : 0);
  return {order.begin() + begin, order.begin() + begin + size};
}

}  // namespace

std::vector<size_t> shard_indices(size_t n, int num_shards, int shard, uint64_t seed) {
  HSGD_CHECK(num_shards >= 1 && shard >= 0 && shard < num_shards, "shard ", shard, " of ", num_shards);
  return piece(permutation(n, seed), num_shards, shard);
}

std::vector<std::vector<size_t>> all_shards(size_t n, int num_shards, uint64_t seed) {
  HSGD_CHECK(num_shards >= 1, "shards ", num_shards);
  const std::vector<size_t> order = permutation(n, seed);
  std::vector<std::vector<size_t>> shards;
  for (int s = 0; s < num_shards; ++s) shards.push_back(piece(order, num_shards, s));
  return shards;
}

BatchSampler::BatchSampler(std::vector<size_t> indices, size_t batch_size, uint64_t seed)
    : indices_(std::move(indices)), batch_size_(batch_size), rng_(seed) {
  HSGD_CHECK(batch_size_ > 0, "batch size must be positive");
  HSGD_CHECK(!indices_.empty(), "a worker's shard is empty");
  batch_.resize(batch_size_);
  rng_.shuffle(indices_);
}

const std::vector<size_t>& BatchSampler::next() {
  for (size_t k = 0; k < batch_size_; ++k) {
    if (cursor_ == indices_.size()) {
      rng_.shuffle(indices_);
      cursor_ = 0;
    }
    batch_[k] = indices_[cursor_++];
  }
  samples_drawn_ += batch_size_;
  return batch_;
}

void BatchSampler::reseed(uint64_t seed) {
  rng_ = Rng(seed);
  std::sort(indices_.begin(), indices_.end());
  rng_.shuffle(indices_);
  cursor_ = 0;
}

void BatchSampler::save_state(uint64_t* out) const {
  out[0] = cursor_;
  out[1] = samples_drawn_;
  rng_.get_state(out + 2);
  std::copy(indices_.begin(), indices_.end(), out + 2 + Rng::kStateWords);
}

std::string BatchSampler::restore_state(const uint64_t* in) {
  const size_t n = indices_.size();
  const uint64_t* order = in + 2 + Rng::kStateWords;
  if (in[0] > n) return "cursor " + std::to_string(in[0]) + " beyond the shard's " + std::to_string(n) + " samples";
  if (in[1] % batch_size_ != 0) return "samples drawn " + std::to_string(in[1]) + " is not a multiple of the batch size";
  std::vector<size_t> mine(indices_), theirs(order, order + n);
  std::sort(mine.begin(), mine.end());
  std::sort(theirs.begin(), theirs.end());
  if (mine != theirs) return "its sample order is not a permutation of this worker's shard";
  Rng rng = rng_;
  if (!rng.set_state(in + 2)) return "its random generator state is all zero";
  rng_ = rng;
  cursor_ = in[0];
  samples_drawn_ = in[1];
  indices_.assign(order, order + n);
  return "";
}

}  // namespace hsgd
