// session.h: one training session, from a parsed configuration to the
// folders that say how its runs ended, written once. `hsgd train`, `hsgd
// compare` and the tests (tests/runtime_util.h) call its steps in this order,
// and the commands only parse options and print:
//
//   prepare(config)       the runtime's settings, validation, the runtime's
//                         limits, the model's name and the memory of the
//                         workers' copies at the catalog's shapes, compute
//                         threads                       (nothing read or written)
//   serves() / serve()    an MPI worker rank: loads its shard and serves the
//                         runs instead of the steps below
//   open_folder(config)   OUT.partial/ (runs/PREFIX-TIME when no --out)
//   load_data(config)     the runtime's data, and the model built once for it:
//                         the memory again, its fit (image shape, classes)
//                         and its size; on a failure the folder is removed
//   run(config, folder)   config.toml, the harness and the runtime,
//                         summary.json, OUT.partial/ renamed to OUT/
//
// The session is torch-free: what it needs of model/ comes in SessionModels
// (the program passes LibTorch's make_model, the tests a plain C++ model).
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/runtime/run.h"
#include "hsgd/runtime/run_folder.h"
#include "hsgd/runtime/runtime.h"

namespace hsgd {

// What a session needs of the models.
struct SessionModels {
  // The factory of config.model built for `data` (its classes; an MLP its
  // input), or with the catalog's shapes when data is nullptr.
  std::function<ModelFactory(const TrainConfig& config, const Dataset* data)> factory_for;
  // Sets the compute threads of every thread that computes with a Model.
  std::function<void(int threads)> set_compute_threads = [](int) {};
};

class Session {
 public:
  // `runtime` must outlive the session; `log` gets the run's log (stderr).
  Session(Runtime& runtime, SessionModels models, std::FILE* log = stderr);

  // Fills in and checks `config` (see above); throws ConfigError.
  // `workers_given`: the user set --workers (mpi otherwise takes the ranks).
  void prepare(TrainConfig& config, bool workers_given, int cores);
  // prepare() in its two parts: the runtime's settings, validation and
  // limits (prepare_config; compare runs it for each mode), then the model's
  // name and memory at the catalog's shapes, and the compute threads.
  void prepare_settings(TrainConfig& config, bool workers_given, int cores);
  void prepare_model(const TrainConfig& config);

  // This process serves runs rather than writing them (an MPI worker rank).
  bool serves() const { return !runtime_.writes_results(); }
  // Loads this process's part of the data once (for configs.front()) and
  // serves each configuration's run in turn.
  void serve(const std::vector<TrainConfig>& configs);

  // Creates config.out_dir's OUT.partial/ (after filling in runs/PREFIX-TIME
  // when it is empty); throws ConfigError when OUT may not be written.
  std::unique_ptr<RunFolder> open_folder(TrainConfig& config, const std::string& prefix);

  // Loads the runtime's data and checks the model built for it (memory, fit,
  // size). When it fails and `folder` is given, the folder is removed (the
  // run never started) and the error rethrown.
  const Dataset& load_data(const TrainConfig& config, RunFolder* folder = nullptr);
  // Data given by the caller (the tests; it must outlive the session): the
  // same checks come in run_in_dir, which writes a failed run's summary.
  const Dataset& use_data(const Dataset& data);
  const Dataset& data() const { return *data_; }
  double load_seconds() const { return load_seconds_; }
  // The factory of the model built for the data, and its size.
  const ModelFactory& factory() const { return factory_; }
  size_t num_params() const { return num_params_; }
  // Prints the data set's line of the run log (sizes, shape, classes and
  // where their count comes from, the reader's notes).
  void print_data_summary() const;

  // One run in `folder`: config.toml (as `command` saves it), the harness and
  // the runtime, summary.json, then the rename to OUT/ (also when it failed).
  RunResult run(const TrainConfig& config, RunFolder& folder, const std::string& command,
                const CheckpointFile* resume = nullptr);
  // One run in the existing folder `dir`, renamed nowhere (the tests).
  RunResult run_in_dir(const TrainConfig& config, const std::string& dir, const CheckpointFile* resume = nullptr);

 private:
  void check_data(const TrainConfig& config);

  Runtime& runtime_;
  SessionModels models_;
  std::FILE* log_;
  std::optional<Dataset> owned_data_;
  const Dataset* data_ = nullptr;
  double load_seconds_ = 0;
  ModelFactory factory_;
  size_t num_params_ = 0;
};

// runs/<prefix>-<time>, with -2, -3, ... when that is taken.
std::string default_out_dir(const std::string& prefix);

}  // namespace hsgd
