// cli.cc: see cli.h. The subcommands are in their own files (commands.h).
#include "apps/cli.h"

#include <cstdio>
#include <exception>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/model/model.h"
#include "hsgd/runtime/mpi_runtime.h"
#include "hsgd/runtime/run.h"
#include "hsgd_version.h"  // generated at build time (cmake/version.cmake)

namespace hsgd::cli {
namespace {

// hsgd --version: what was built, from which commit, with what.
std::string version_text() {
  return std::string("hsgd ") + HSGD_VERSION + " (commit " + HSGD_GIT_COMMIT + ")\n" +
         hsgd::compute_backend_summary() + "\n" + hsgd::mpi_library_version();
}

CommandOutcome run_app(int argc, char** argv) {
  CLI::App app{"hsgd: data-parallel SGD with a parameter server, from asynchronous to synchronous"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "print help for every command");
  app.set_version_flag("--version", version_text, "print the version, the git commit, LibTorch and MPI, and exit");
  const std::vector<Command> commands = {add_train_command(app),      add_compare_command(app),
                                         add_experiment_command(app), add_report_command(app),
                                         add_data_command(app),       add_info_command(app)};
  CommandOutcome outcome;
  forget_failure();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    outcome.status = app.exit(e) == 0 ? 0 : 1;  // --help is fine; every mistake is exit status 1
    if (outcome.status != 0) outcome.error = e.what();
    outcome.parse_error = outcome.status != 0;
    return outcome;
  }
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      outcome.status = command.run();
    } catch (const std::exception& e) {
      outcome.status = report_failure(e);
    }
    if (command.config) outcome.out_dir = command.config->out_dir;
    break;
  }
  outcome.error = last_failure();
  return outcome;
}

}  // namespace

CommandOutcome run_command(const std::vector<std::string>& args) {
  std::vector<std::string> words = {"hsgd"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return run_app(static_cast<int>(words.size()), argv.data());
}

int run_program(int argc, char** argv) { return run_app(argc, argv).status; }

}  // namespace hsgd::cli
