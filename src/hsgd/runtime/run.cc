// run.cc: see run.h.
#include "hsgd/runtime/run.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/config/option_io.h"
#include "hsgd/data/dataset_registry.h"

namespace hsgd {
namespace {

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

Dataset Runtime::load_data(const TrainConfig& config) const { return load_dataset(config.data, config.data_root); }

void write_failed_summary(const std::string& dir, const TrainConfig& config, const std::string& message) {
  RunResult result;
  result.status = RunStatus::kFailed;
  result.stop_reason = message;
  nlohmann::json summary = result;
  summary["config"] = config;
  try {
    write_json_file(dir + "/summary.json", summary);
  } catch (const std::exception&) {
  }
}

void prepare_config(const Runtime& runtime, TrainConfig& config, bool workers_given, int cores) {
  const RuntimeTraits traits = runtime.traits();
  runtime.resolve(config, workers_given);
  if (config.data_root.empty()) config.data_root = default_data_root();
  config.threads = config.threads_per_worker(cores, traits.concurrent_workers);
  config.validate();
  check_runtime_limits(config, traits);
  runtime.check(config);
}

void check_runtime_limits(const TrainConfig& config, const RuntimeTraits& traits) {
  const std::string runtime = name_of(config.runtime);
  if (traits.max_workers > 0 && config.workers() > traits.max_workers)
    throw ConfigError("--workers = " + std::to_string(config.workers()) + " is out of range for --runtime " + runtime +
                      ": must be in [1, " + std::to_string(traits.max_workers) + "]" + traits.max_workers_reason);
  if (config.servers > traits.max_servers)
    throw ConfigError("--servers = " + std::to_string(config.servers) + " is out of range for --runtime " + runtime +
                      ": must be in [1, " + std::to_string(traits.max_servers) + "]" + traits.max_servers_reason);
  if (config.checkpoint_every > 0 && !traits.checkpoints)
    throw ConfigError("--checkpoint-every: --runtime " + runtime +
                      " writes no checkpoints (use --runtime sim, threads or mpi)");
}

void check_model(const Runtime& runtime, const TrainConfig& config, const ModelFactory& factory) {
  if (!is_known_model(config.model))
    throw ConfigError("--model " + config.model + ": unknown model; expected one of: " + model_names());
  check_model_memory(runtime, config, factory(config.seed)->num_params());
}

void check_model_memory(const Runtime& runtime, const TrainConfig& config, size_t num_params) {
  // Every worker holds at least a gradient in this process; a thread worker
  // also a replica (parameters, gradients and the optimizer-free autograd
  // buffers); a worker in another process (mpi) none.
  const double copies = runtime.traits().copies_per_worker;
  const double bytes = copies * config.workers() * static_cast<double>(num_params) * sizeof(float);
  if (bytes > 0.5 * physical_memory_bytes())
    throw ConfigError("--workers = " + std::to_string(config.workers()) + " with model " + config.model + " (" +
                      std::to_string(num_params) + " parameters) needs about " +
                      std::to_string(static_cast<long long>(bytes / 1e9)) + " GB for the workers' parameters, more "
                      "than half of this machine's memory");
}

void check_model_fits_data(Model& model, const Dataset& data) {
  const std::string problem = model.fit_problem(data.train.shape, data.num_classes, data.name);
  if (!problem.empty()) throw ConfigError("model " + model.name() + " " + problem);
}

RunResult run_in_folder(Runtime& runtime, const TrainConfig& config, const Dataset& data,
                        const ModelFactory& factory, const std::string& dir, std::FILE* log,
                        const CheckpointFile* resume) {
  std::unique_ptr<RunHarness> harness;
  try {
    harness = std::make_unique<RunHarness>(config, data, factory, dir, log, runtime.traits(), resume);
    return runtime.train(*harness);
  } catch (const std::exception& e) {
    write_failed_summary(dir, config, e.what());
    throw;
  }
}

void write_config_file(const RunFolder& folder, const TrainConfig& config, const std::string& command,
                       const std::string& extra) {
  std::ofstream out(folder.file("config.toml"));
  out << config_toml(config, command) << extra;
  if (!out) throw Error(folder.file("config.toml") + ": cannot write the run's configuration");
}

RunResult run_training(Runtime& runtime, const TrainConfig& config, const Dataset& data,
                       const ModelFactory& factory, RunFolder& folder, const std::string& command, std::FILE* log,
                       const CheckpointFile* resume) {
  write_config_file(folder, config, command);
  try {
    const RunResult result = run_in_folder(runtime, config, data, factory, folder.path(), log, resume);
    folder.commit();
    return result;
  } catch (...) {
    folder.commit_after_failure();
    throw;
  }
}

CheckpointFile read_run_checkpoint(const std::string& dir, const TrainConfig& config, size_t num_params) {
  const std::string path = dir + "/checkpoint.bin";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw ConfigError("--resume " + dir + ": no checkpoint.bin there (the run was not started with "
                      "--checkpoint-every, or stopped before its first checkpoint)");
  // The parameters, the buffer, the momentum and every worker's gradient,
  // plus room for the rows, the sample orders and the rest.
  const double state_bytes = (static_cast<double>(config.workers()) + 3) * static_cast<double>(num_params) * 4;
  return CheckpointFile::read(path, static_cast<size_t>(state_bytes) + (size_t{1} << 30));
}

int exit_status(const RunResult& result, const TrainConfig& config) {
  switch (result.status) {
    case RunStatus::kFinished:
      return config.eval.target_accuracy > 0 && result.target_reached_seconds < 0 ? kExitTargetNotReached
                                                                                   : kExitFinished;
    case RunStatus::kTerminated: return exit_status_of_signal(result.signal);
    case RunStatus::kDiverged: return kExitDiverged;
    case RunStatus::kFailed: return kExitFailed;
  }
  return kExitFailed;
}

}  // namespace hsgd
