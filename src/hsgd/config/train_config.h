// train_config.h: every setting of a training run (single worker or parameter
// server with workers), its checks, and its JSON form (saved beside the run's
// metrics). The command line (apps/train_command.cc) binds one option to each field.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace hsgd {

struct TrainConfig {
  // data and model
  std::string data = "mnist";     // a data set spec (dataset_registry.h)
  std::string data_root;          // empty: default_data_root()
  std::string model = "mnist-cnn";
  // optimisation
  int batch_size = 64;
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  // parameter server and workers
  std::string runtime = "threads";  // single | threads | sim | mpi
  std::string mode = "hybrid";      // sync | async | hybrid
  int workers = 25;
  std::string schedule = "step";    // K schedule for hybrid (ps/k_schedule.h)
  std::string wait = "none";        // none | applied (hybrid; sync always waits)
  std::string aggregation = "mean"; // mean | sum
  bool staleness_lr = false;        // lr / staleness per gradient
  int64_t max_staleness = -1;       // drop gradients staler than this; -1 = never
  // injected delays before each push (the paper: |N(0, 0.25)| s on half the workers)
  std::string delay = "half-normal";  // none | half-normal | exponential | fixed
  double delay_fraction = 0.5;        // share of workers that are delayed
  double delay_scale = 0.25;          // seconds: sigma (half-normal), mean (exponential), value (fixed)
  // simulator cost model (--runtime sim; sim/cost_model.h)
  std::string sim_compute = "fixed";  // fixed | calibrated | measured
  double sim_compute_ms = 50;         // per minibatch, for fixed
  std::string sim_speeds;             // per-worker compute-time factors "1,1,2" (cycled); empty = all 1
  double sim_latency_ms = 0.1;        // per message
  double sim_bandwidth_mb_s = 1250;   // MB/s per message (10 Gbit/s); 0 = unlimited
  double sim_ps_gradient_ms = 0;      // PS cost per gradient received
  double sim_ps_update_ms = 0;        // PS cost per update
  // MPI runtime
  double worker_timeout = 30;  // seconds without a message before a worker rank is declared dead
  int mpi_hang_rank = -1;      // fault injection for tests: this rank stops answering...
  int64_t mpi_hang_after = 0;  // ...after this many pushes
  // budget: training stops at the first limit reached; 0 = no limit
  double epochs = 0;     // samples computed / training-set size
  double seconds = 0;    // training time
  int64_t updates = 0;   // parameter updates applied (optimizer steps)
  int64_t gradients = 0; // gradients pushed
  // evaluation
  double eval_every_seconds = 5.0;  // of training time (evaluation time not counted)
  int eval_batch = 250;             // keeps activations below malloc's mmap threshold
  double target_accuracy = 0;       // report when test accuracy first reaches it; 0 = off
  // machine and output
  int threads = 0;                  // compute threads per worker; 0 = cores / workers (threads runtime), all cores otherwise
  uint64_t seed = 1;
  std::string out_dir;              // empty: runs/train-<time>

  // Throws ConfigError naming the first bad value and its allowed range
  // (the K schedule is parsed too, so a bad spec fails before any work).
  void validate() const;
  // Compute threads each worker gets: `threads`, or cores / workers for the
  // threads runtime and all cores for single and sim (one gradient at a time).
  int threads_per_worker(int cores) const;
};

void to_json(nlohmann::json& j, const TrainConfig& c);

}  // namespace hsgd
