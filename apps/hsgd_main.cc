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
// in src/hsgd/runtime/run.h and README.md.
#include <cstdio>
#include <exception>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/common/process_setup.h"
#include "hsgd/model/model.h"
#include "hsgd/runtime/mpi_runtime.h"
#include "hsgd/runtime/run.h"
#include "hsgd_version.h"  // generated at build time (cmake/version.cmake)

namespace {

// hsgd --version: what was built, from which commit, with what.
std::string version_text() {
  return std::string("hsgd ") + HSGD_VERSION + " (commit " + HSGD_GIT_COMMIT + ")\n" +
         hsgd::compute_backend_summary() + "\n" + hsgd::mpi_library_version();
}

}  // namespace

int main(int argc, char** argv) {
  hsgd::tune_malloc_for_training();
  CLI::App app{"hsgd: data-parallel SGD with a parameter server, from asynchronous to synchronous"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "print help for every command");
  app.set_version_flag("--version", version_text, "print the version, the git commit, LibTorch and MPI, and exit");
  const std::vector<hsgd::cli::Command> commands = {hsgd::cli::add_train_command(app),
                                                    hsgd::cli::add_compare_command(app),
                                                    hsgd::cli::add_experiment_command(app),
                                                    hsgd::cli::add_report_command(app),
                                                    hsgd::cli::add_data_command(app),
                                                    hsgd::cli::add_info_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;  // --help is fine; every mistake is exit status 1
  }
  try {
    for (const auto& command : commands)
      if (command.app->parsed()) return command.run();
  } catch (const std::exception& e) {
    return hsgd::cli::report_failure(e);
  }
  return 0;
}
