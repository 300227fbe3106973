// sharded_server.h: the parameter server split into S shards (--servers S),
// each today's ParameterServer core on its own contiguous slice of the flat
// parameter buffer (shard_layout.h), as ps-lite's servers each own a key
// range. docs/aggregation.md ("Sharded server") states the semantics:
//   - every shard receives every gradient's slice and runs the PS core on it:
//     it counts, buffers, applies and drops on its own, with its own version;
//   - sync: each shard's round holds the same gradients, so the shards apply
//     the same updates as one server would;
//   - async, hybrid: each shard applies when its own buffer holds its own K;
//     the K schedule is the same function on every shard, and an adaptive
//     threshold decides on each shard from that shard's own load.
// With one shard this is exactly one ParameterServer: shard(0) is it, and
// every aggregate below is its own value.
//
// Not thread-safe, like ParameterServer: the runtimes serialise calls.
// Memory: the shards' slices together hold one copy of the parameters (and
// one accumulator and momentum buffer), as one server does.
#pragma once

#include <memory>
#include <vector>

#include "hsgd/ps/parameter_server.h"
#include "hsgd/ps/shard_layout.h"

namespace hsgd {

class ShardedServer {
 public:
  // Shard s starts from initial_params[slice(s)].
  ShardedServer(const std::vector<float>& initial_params, const PsOptions& options, int shards);

  int count() const { return static_cast<int>(shards_.size()); }
  ParameterServer& shard(int s) { return *shards_[s]; }
  const ParameterServer& shard(int s) const { return *shards_[s]; }
  const ParamSlice& slice(int s) const { return slices_[s]; }
  size_t num_params() const { return num_params_; }

  // Every shard's committed slice, each as it is now, into one flat buffer.
  std::vector<float> gather_params() const;
  void gather_params(float* into) const;
  std::vector<uint64_t> versions() const;

  // The counts a run is measured by. Every shard receives every gradient,
  // so a gradient counts once every shard has received it (the fewest any
  // shard received); an update, once every shard has applied it (the fewest
  // updates); a drop, once any shard dropped it (the most drops).
  uint64_t gradients() const;
  uint64_t updates() const;
  uint64_t dropped() const;
  // Every shard's accounting summed (each gradient counts once per shard).
  Accounting total() const;
  bool balances() const;  // every shard's accounting balances
  bool params_finite() const;
  // The staleness of every slice received since the last call, all shards
  // together; each shard's is also added to its run total.
  StalenessWindow take_staleness_window();
  // Shard s's staleness over the run, up to the last take_staleness_window()
  // (the histogram's last bin lumps everything from 63 on; this does not).
  const StalenessWindow& staleness_total(int s) const { return staleness_totals_[s]; }
  std::vector<uint64_t> staleness_histogram() const;  // summed over the shards
  uint64_t ssp_waits() const;                          // summed over the shards

  // Checkpoints: one shard's state is ParameterServer::save_state's "ps/..."
  // sections; S > 1 shards each save theirs into a CheckpointFile of its own,
  // stored whole as the section "ps/shard<s>" (validated again when read),
  // and their staleness totals in "ps/shard_staleness".
  void save_state(CheckpointFile& file) const;
  void restore_state(const CheckpointFile& file, bool fresh_workers);

 private:
  size_t num_params_;
  std::vector<ParamSlice> slices_;
  std::vector<std::unique_ptr<ParameterServer>> shards_;
  std::vector<StalenessWindow> staleness_totals_;
};

}  // namespace hsgd
