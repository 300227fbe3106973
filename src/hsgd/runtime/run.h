// run.h: the parts of one training run, from a configuration to a folder
// that says how it ended. The session (session.h) calls them in order; the
// commands call the session:
//
//   prepare_config   the runtime's settings, then every check (no file read)
//   check_model      the model's name, and memory for the workers' copies
//   RunFolder        OUT.partial/ (refused if OUT holds a run, unwritable, ...)
//   Runtime::load_data  (on failure RunFolder::discard() leaves nothing behind)
//   run_training     config.toml, the harness and the runtime, summary.json,
//                    and OUT.partial/ renamed to OUT/
//
// Exit statuses: common/exit_status.h (and README.md).
#pragma once

#include <cstdio>
#include <string>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/common/exit_status.h"
#include "hsgd/runtime/run_folder.h"
#include "hsgd/runtime/runtime.h"

namespace hsgd {

// Lets the runtime fill in its settings, gives threads their default, fills
// in the data root, and validates; throws ConfigError.
void prepare_config(const Runtime& runtime, TrainConfig& config, bool workers_given, int cores);

// The checks of what the runtime cannot do (its traits): more workers than
// it runs, checkpoints it does not write. Throws ConfigError.
void check_runtime_limits(const TrainConfig& config, const RuntimeTraits& traits);

// Builds the model once, before any data is loaded: checks its name, and
// that the workers' copies of its parameters fit in this machine's memory.
void check_model(const Runtime& runtime, const TrainConfig& config, const ModelFactory& factory);
// The memory part of check_model, for a model of num_params parameters.
void check_model_memory(const Runtime& runtime, const TrainConfig& config, size_t num_params);

// Runs training in the existing folder `dir`: harness, runtime, summary.json;
// from `resume` (a checkpoint of this run) if given. The model must fit the
// data (check_model_fits_data; the session checks it when it loads the data).
// An exception is written into summary.json as a failed run, then rethrown.
RunResult run_in_folder(Runtime& runtime, const TrainConfig& config, const Dataset& data,
                        const ModelFactory& factory, const std::string& dir, std::FILE* log,
                        const CheckpointFile* resume = nullptr);

// What a run that failed before or while training leaves in dir/summary.json:
// its status, the error and its configuration. Best effort: the error itself
// is what the user must see, not a second one about writing this file.
void write_failed_summary(const std::string& dir, const TrainConfig& config, const std::string& message);

// Writes folder/config.toml: the configuration as `command` saves it, and
// `extra` TOML lines of that command's own options. Throws Error.
void write_config_file(const RunFolder& folder, const TrainConfig& config, const std::string& command,
                       const std::string& extra = "");

// The whole run in `folder`: config.toml (as `command` saves it),
// run_in_folder, then the rename to OUT/ (also when the run failed).
RunResult run_training(Runtime& runtime, const TrainConfig& config, const Dataset& data,
                       const ModelFactory& factory, RunFolder& folder, const std::string& command, std::FILE* log,
                       const CheckpointFile* resume = nullptr);

// The checkpoint of the run in `dir` (checkpoint.bin), read and validated;
// its size is bounded by what this configuration's state can take. Throws
// ConfigError when there is none, CheckpointError when it is bad.
CheckpointFile read_run_checkpoint(const std::string& dir, const TrainConfig& config, size_t num_params);

// The process exit status that says how the run ended.
int exit_status(const RunResult& result, const TrainConfig& config);

// Throws ConfigError when the model cannot take the data set's images or
// does not score all its classes.
void check_model_fits_data(Model& model, const Dataset& data);

}  // namespace hsgd
