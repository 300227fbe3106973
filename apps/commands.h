// commands.h: the subcommands of the `hsgd` program, each in its own file.
// A command registers its options on a CLI11 subcommand and returns the
// function that runs it after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace hsgd::cli {

struct Command {
  CLI::App* app;             // the subcommand, owned by the parent App
  std::function<int()> run;  // runs it once parsing has succeeded; returns the exit status
};

Command add_train_command(CLI::App& app);
Command add_data_command(CLI::App& app);
Command add_info_command(CLI::App& app);

}  // namespace hsgd::cli
