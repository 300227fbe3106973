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

// The simulator's resume test in one call: runs `config` into `part_dir`
// until `stop_at` seconds of training (config.checkpoint_every must write a
// checkpoint by then), then resumes that folder from its checkpoint to
// config's own budget. Returns the checkpoint and the resumed run's result;
// the uninterrupted run (config in its own out_dir) is the caller's.
struct StoppedAndResumed {
  CheckpointFile checkpoint;
  RunResult resumed;
};
inline StoppedAndResumed stop_and_resume_sim(TrainConfig config, const std::string& part_dir, double stop_at,
                                             const Dataset& data, const ModelFactory& factory, size_t num_params) {
  const double budget = config.budget.seconds;
  config.out_dir = part_dir;
  config.budget.seconds = stop_at;
  run_sim(config, data, factory, nullptr);
  StoppedAndResumed out{read_run_checkpoint(part_dir, config, num_params), {}};
  config.budget.seconds = budget;
  out.resumed = run_runtime(make_sim_runtime(), config, data, factory, nullptr, &out.checkpoint);
  return out;
}

inline Mode mode(const std::string& name) { return *enum_from_name<Mode>(name); }

}  // namespace hsgd::testing
