// sharded_server.cc: see sharded_server.h.
#include "hsgd/ps/sharded_server.h"

#include <algorithm>

#include "hsgd/common/error.h"

namespace hsgd {
namespace {

std::string shard_section(int s) { return "ps/shard" + std::to_string(s); }

}  // namespace

ShardedServer::ShardedServer(const std::vector<float>& initial_params, const PsOptions& options, int shards)
    : num_params_(initial_params.size()), slices_(balance_slices(initial_params.size(), shards)) {
  for (const ParamSlice& slice : slices_) {
    std::vector<float> part(initial_params.begin() + slice.begin, initial_params.begin() + slice.end());
    shards_.push_back(std::make_unique<ParameterServer>(std::move(part), options));
  }
  staleness_totals_.resize(slices_.size());
}

std::vector<float> ShardedServer::gather_params() const {
  if (count() == 1) return shards_[0]->params();
  std::vector<float> params(num_params_);
  gather_params(params.data());
  return params;
}

void ShardedServer::gather_params(float* into) const {
  for (int s = 0; s < count(); ++s) std::copy(shard(s).params().begin(), shard(s).params().end(), into + slice(s).begin);
}

std::vector<uint64_t> ShardedServer::versions() const {
  std::vector<uint64_t> v;
  for (const auto& shard : shards_) v.push_back(shard->version());
  return v;
}

uint64_t ShardedServer::gradients() const {
  uint64_t fewest = UINT64_MAX;
  for (const auto& shard : shards_) fewest = std::min(fewest, shard->accounting().received);
  return fewest;
}

uint64_t ShardedServer::updates() const {
  uint64_t fewest = UINT64_MAX;
  for (const auto& shard : shards_) fewest = std::min(fewest, shard->accounting().updates);
  return fewest;
}

uint64_t ShardedServer::dropped() const {
  uint64_t most = 0;
  for (const auto& shard : shards_) most = std::max(most, shard->accounting().dropped_total());
  return most;
}

Accounting ShardedServer::total() const {
  Accounting sum;
  for (const auto& shard : shards_) {
    const Accounting& a = shard->accounting();
    sum.received += a.received;
    sum.applied += a.applied;
    sum.buffered += a.buffered;
    sum.updates += a.updates;
    for (size_t r = 0; r < sum.dropped.size(); ++r) sum.dropped[r] += a.dropped[r];
  }
  return sum;
}

bool ShardedServer::balances() const {
  return std::all_of(shards_.begin(), shards_.end(), [](const auto& s) { return s->accounting().balances(); });
}

bool ShardedServer::params_finite() const {
  return std::all_of(shards_.begin(), shards_.end(), [](const auto& s) { return s->params_finite(); });
}

StalenessWindow ShardedServer::take_staleness_window() {
  const auto add = [](StalenessWindow& to, const StalenessWindow& w) {
    to.count += w.count;
    to.sum += w.sum;
    to.max = std::max(to.max, w.max);
  };
  StalenessWindow all;
  for (int s = 0; s < count(); ++s) {
    const StalenessWindow w = shard(s).take_staleness_window();
    add(all, w);
    add(staleness_totals_[s], w);
  }
  return all;
}

std::vector<uint64_t> ShardedServer::staleness_histogram() const {
  std::vector<uint64_t> sum = shards_[0]->staleness_histogram();
  for (int s = 1; s < count(); ++s) {
    const std::vector<uint64_t>& h = shard(s).staleness_histogram();
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += h[i];
  }
  return sum;
}

uint64_t ShardedServer::ssp_waits() const {
  uint64_t waits = 0;
  for (const auto& shard : shards_) waits += shard->ssp_waits();
  return waits;
}

void ShardedServer::save_state(CheckpointFile& file) const {
  if (count() == 1) return shards_[0]->save_state(file);
  std::vector<uint64_t> totals;
  for (int s = 0; s < count(); ++s) {
    CheckpointFile part;
    shard(s).save_state(part);
    file.set(shard_section(s), part.serialize());
    totals.insert(totals.end(), {staleness_totals_[s].count, staleness_totals_[s].sum, staleness_totals_[s].max});
  }
  file.set_u64s("ps/shard_staleness", totals);
}

void ShardedServer::restore_state(const CheckpointFile& file, bool fresh_workers) {
  if (count() == 1) return shards_[0]->restore_state(file, fresh_workers);
  // Every shard's part is parsed (container, checksum) before any shard
  // changes; a part that does not fit its shard throws, and the run that
  // was resuming stops before it starts.
  if (file.has(shard_section(count())))
    throw CheckpointError(file.where() + ": it holds more than " + std::to_string(count()) +
                          " server shards; resume with the --servers it was written with");
  std::vector<CheckpointFile> parts;
  for (int s = 0; s < count(); ++s)
    parts.push_back(CheckpointFile::parse(file.get(shard_section(s)), file.where() + " (" + shard_section(s) + ")"));
  const std::vector<uint64_t> totals = file.u64s("ps/shard_staleness", 3 * static_cast<size_t>(count()));
  for (int s = 0; s < count(); ++s) {
    shard(s).restore_state(parts[s], fresh_workers);
    staleness_totals_[s] = {totals[3 * s], totals[3 * s + 1], totals[3 * s + 2]};
  }
}

}  // namespace hsgd
