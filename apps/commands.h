// commands.h: the subcommands of the `hsgd` program, each in its own file.
// A command registers its options on a CLI11 subcommand and returns the
// function that runs it after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "apps/option_table.h"
#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"

namespace hsgd::cli {

struct Command {
  CLI::App* app;             // the subcommand, owned by the parent App
  std::function<int()> run;  // runs it once parsing has succeeded; returns the exit status
};

Command add_train_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_data_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_experiment_command(CLI::App& app);
Command add_report_command(CLI::App& app);

// ---- shared by train and compare (train_command.cc)

// Binds every training option to `config` (compare leaves out --mode).
void add_training_options(OptionTable& table, TrainConfig& config, bool with_mode);

// Fills in defaults that depend on the machine or the time (data root,
// results folder, threads), validates, sets the compute threads, prints the
// back end and loads the data set.
// `workers_given`: --workers was set (on the command line or in --config);
// with --runtime mpi it defaults to the number of worker ranks.
Dataset prepare_run(TrainConfig& config, const std::string& out_prefix, bool workers_given);

// False on MPI worker ranks: only rank 0 writes files and prints results.
bool is_output_rank(const TrainConfig& config);

// Trains with config.runtime; writes into config.out_dir.
RunResult run_training(const TrainConfig& config, const Dataset& data);

}  // namespace hsgd::cli
