// train_config.h: every setting of a training run, typed, and its checks.
//
// The command line and config files set it through one list of options
// (option_list.h: name, range, help), so it is parsed and validated once, at
// the boundary, before any data is loaded. Nested groups are the settings of
// the parts that use them: PsOptions (ps/), DelayOptions, the simulator's
// CostModel (sim/), Budget, EvalOptions, MpiOptions (run_options.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "hsgd/config/run_options.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/ps_options.h"
#include "hsgd/sim/cost_model.h"

namespace hsgd {

struct TrainConfig {
  // data and model
  std::string data = "mnist";  // a data set spec (dataset_registry.h)
  std::string data_root;       // empty: default_data_root()
  std::string model = "mnist-cnn";
  ModelBackend backend = ModelBackend::kAuto;
  int batch_size = 64;
  // the parameter server: mode, wait policy, aggregation, SGD, workers, staleness
  PsOptions ps;
  std::string schedule = "step";  // hybrid's K schedule spec (ps/k_schedule.h); parsed by validate()
  RuntimeKind runtime = RuntimeKind::kThreads;
  // Server shards, each owning a contiguous slice of the parameters
  // (ps/sharded_server.h); more than one needs a runtime that shards its
  // server (RuntimeTraits::max_servers).
  int servers = 1;
  DelayOptions delay;
  sim::CostModel sim;  // --runtime sim
  std::string sim_profile;  // --sim-profile: its values are set at the boundary (apply_sim_profile)
  MpiOptions mpi;      // --runtime mpi
  ServerCost server_cost;  // --runtime threads and mpi (the simulator's are in `sim`)
  Budget budget;
  EvalOptions eval;
  // Seconds of training between two checkpoints (checkpoint.bin in the run's
  // folder, runtime sim; one is also written when the run stops cleanly); 0 = none.
  double checkpoint_every = 0;
  // machine and output
  int threads = 0;  // compute threads per worker; 0 = cores / workers (threads), all cores otherwise
  uint64_t seed = 1;
  std::string out_dir;     // empty: runs/train-<time>
  bool overwrite = false;  // replace a run already in out_dir

  int workers() const { return ps.num_workers; }

  // Checks every value against its range and the options against each other,
  // and parses the K schedule into ps.schedule. Throws ConfigError naming the
  // first bad option, its value and its allowed range. Reads no file.
  void validate();
  // Compute threads each worker gets: `threads`, or cores / workers when
  // the workers compute at once (RuntimeTraits::concurrent_workers), else
  // all cores (one gradient at a time).
  int threads_per_worker(int cores, bool concurrent_workers) const;
};

// Every option's value under its option name (dashes become underscores).
void to_json(nlohmann::json& j, const TrainConfig& c);

}  // namespace hsgd
