// hsgd_main.cc: the `hsgd` command-line program.
//
//   hsgd train ...     train a model (see `hsgd train --help`)
//   hsgd compare ...   sync, async and hybrid on one configuration, side by side
//   hsgd experiment S  run a suite of runs (paper tables) and write its report
//   hsgd report DIR    rebuild the report of an experiment's results folder
//   hsgd data SPEC     load a data set and describe it
//   hsgd info          models, data sets and the compute back end
//   hsgd --version     version, git commit, LibTorch and MPI
//
// Every hsgd::Error becomes "hsgd: error: <what and where>" and exit status 1;
// command-line mistakes are reported by CLI11, with exit status 1 as well. A
// training run's other exit statuses (terminated, diverged, ...) are listed
// in src/hsgd/common/exit_status.h and README.md. The program is apps/cli.h's
// run_program, which the Python module runs too.
#include "apps/cli.h"
#include "hsgd/common/process_setup.h"

int main(int argc, char** argv) {
  hsgd::tune_malloc_for_training();
  return hsgd::cli::run_program(argc, argv);
}
