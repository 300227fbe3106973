// commands.h: the subcommands of the `hsgd` program, each in its own file.
// A command registers its options on a CLI11 subcommand and returns the
// function that runs it after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "apps/option_table.h"
#include "hsgd/config/train_config.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"
#include "hsgd/runtime/run_folder.h"
#include "hsgd/runtime/runtime.h"
#include "hsgd/runtime/session.h"

namespace hsgd::cli {

struct Command {
  CLI::App* app;             // the subcommand, owned by the parent App
  std::function<int()> run;  // runs it once parsing has succeeded; returns the exit status
  std::shared_ptr<const TrainConfig> config = nullptr;  // train, compare: its configuration (the folder chosen)
};

Command add_train_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_data_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_experiment_command(CLI::App& app);
Command add_report_command(CLI::App& app);

// ---- shared by train and compare (train_command.cc)

// Prints "hsgd: error: ..." (or "internal error" for what is no hsgd::Error)
// and returns the exit status: 1, or 3 for an internal error.
// The message is also kept for last_failure() (the Python module raises it).
int report_failure(const std::exception& e);
// The message of the last failure reported since forget_failure() ("" when none).
std::string last_failure();
void forget_failure();

// Runs `body`; if it throws, reports the failure and lets the runtime end
// what waits for this process (mpi: every rank). Returns body's status.
int run_or_abandon(Runtime& runtime, const std::function<int()>& body);

// The models of model/ by name: built for `data` when given (the class
// count; an MLP's input), else with the catalog's shapes (the checks made
// before any data is loaded).
ModelFactory model_factory(const TrainConfig& config, const Dataset* data = nullptr);
// What the training session needs of model/: model_factory and the compute threads.
SessionModels session_models();

// The cores of this machine.
int machine_cores();

// Prints how the run ended, its final and run-averaged values, and where
// its files are.
void print_outcome(const RunResult& result, const TrainConfig& config);

}  // namespace hsgd::cli
