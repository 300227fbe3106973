// runtime_util.h: runs a runtime on a configuration through the training
// session, as `hsgd train` does (the runtime's settings, validation, the
// harness in the given folder), for the runtime tests; and the enums of
// options from their names.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "hsgd/runtime/run.h"
#include "hsgd/runtime/session.h"
#include "hsgd/runtime/sim_runtime.h"
#include "hsgd/runtime/single_runtime.h"
#include "hsgd/runtime/threads_runtime.h"

namespace hsgd::testing {

// Writes into config.out_dir (created if need be); from `resume` if given.
// The session's steps for data given here: the runtime's settings and
// limits, validation, the model's fit to the data, the run.
inline RunResult run_runtime(std::unique_ptr<Runtime> runtime, TrainConfig config, const Dataset& data,
                             const ModelFactory& factory, std::FILE* log = nullptr,
                             const CheckpointFile* resume = nullptr) {
  std::filesystem::create_directories(config.out_dir);
  SessionModels models;
  models.factory_for = [factory](const TrainConfig&, const Dataset*) { return factory; };
  Session session(*runtime, models, log);
  session.prepare_settings(config, /*workers_given=*/true, /*cores=*/1);  // threads: 1 unless set
  session.use_data(data);
  return session.run_in_dir(config, config.out_dir, resume);
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
