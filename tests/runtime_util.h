// runtime_util.h: runs a runtime on a configuration as `hsgd train` does
// (the runtime's settings, validation, the harness in the given folder), for
// the runtime tests; and the enums of options from their names.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "hsgd/runtime/run.h"
#include "hsgd/runtime/sim_runtime.h"
#include "hsgd/runtime/single_runtime.h"
#include "hsgd/runtime/threads_runtime.h"

namespace hsgd::testing {

// Writes into config.out_dir (created if need be); from `resume` if given.
inline RunResult run_runtime(std::unique_ptr<Runtime> runtime, TrainConfig config, const Dataset& data,
                             const ModelFactory& factory, std::FILE* log = nullptr,
                             const CheckpointFile* resume = nullptr) {
  std::filesystem::create_directories(config.out_dir);
  runtime->resolve(config, /*workers_given=*/true);
  if (config.threads == 0) config.threads = 1;
  config.validate();
  return run_in_folder(*runtime, config, data, factory, config.out_dir, log, resume);
}

inline RunResult run_threads(const TrainConfig& c, const Dataset& d, const ModelFactory& f, std::FILE* log) {
  return run_runtime(make_threads_runtime(), c, d, f, log);
}
inline RunResult run_sim(const TrainConfig& c, const Dataset& d, const ModelFactory& f, std::FILE* log) {
  return run_runtime(make_sim_runtime(), c, d, f, log);
}
inline RunResult run_single(const TrainConfig& c, const Dataset& d, const ModelFactory& f, std::FILE* log) {
  return run_runtime(make_single_runtime(), c, d, f, log);
}

inline Mode mode(const std::string& name) { return *enum_from_name<Mode>(name); }

}  // namespace hsgd::testing
