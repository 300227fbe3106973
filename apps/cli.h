// cli.h: the `hsgd` program as a function. main() (hsgd_main.cc) runs it on
// its argv; the Python module (python/hsgd_module.cc) on the arguments it
// builds from keywords, so both parse, check and run through the same code.
#pragma once

#include <string>
#include <vector>

namespace hsgd::cli {

// How a command ended.
struct CommandOutcome {
  int status = 0;          // the exit status (common/exit_status.h)
  std::string out_dir;     // train, compare: the results folder it chose ("" before one was)
  std::string error;       // the failure's message, as printed after "hsgd: error: " ("" when none)
  bool parse_error = false;  // the command line itself was wrong (CLI11: an unknown option, a missing value)
};

// `hsgd ARGS...` (ARGS without the program's name): prints what the program
// prints and returns how it ended. Never throws.
CommandOutcome run_command(const std::vector<std::string>& args);

// main(): the same on argv, returning the exit status.
int run_program(int argc, char** argv);

}  // namespace hsgd::cli
