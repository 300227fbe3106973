// experiment_command.cc: `hsgd experiment SUITE` runs a suite (suites/*.toml,
// or a file of your own) and builds its report; `hsgd report DIR` rebuilds
// the report of a results folder.
//
// Every run is checked before the first starts: its options go through the
// same parser and checks as `hsgd train`, so a typo fails at once, naming the
// run and the option. Equal runs of different cells are run once (plan_runs).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/common/exit_status.h"
#include "hsgd/experiment/report.h"
#include "hsgd/experiment/results_folder.h"
#include "hsgd/experiment/runner.h"
#include "hsgd/experiment/suite.h"
#include "hsgd/config/option_io.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/runtime/run.h"

namespace hsgd::cli {
namespace fs = std::filesystem;
namespace {

struct ExperimentArgs {
  std::string suite;
  std::string out;
  int jobs = 0;
  int seeds = 0;
  std::vector<std::string> set;
  bool list = false;
  bool no_figures = false;
};

std::string self_path() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the hsgd program (/proc/self/exe): " + ec.message());
  return p.string();
}

// Reads a run's request as `hsgd train --config` would, and validates it.
void check_request(const Suite& suite, const SuiteRun& run) {
  const std::string where = "suite " + suite.name + " (" + suite.origin + "), run " + run.dir;
  TrainConfig config;
  try {
    std::set<std::string> given;
    read_config_text(run.request, "its options", config, [&given](const std::string& name) {
      given.insert(name);
      return false;
    });
    apply_sim_profile(config, [&given](const std::string& name) { return given.count(name) > 0; });
    if (config.threads == 0) config.threads = 1;
    config.validate();
    check_runtime_limits(config, make_runtime(config.runtime)->traits());
  } catch (const Error& e) {
    throw ConfigError(where + ": " + e.what());
  }
  if (!is_known_model(config.model))
    throw ConfigError(where + ": unknown model '" + config.model + "' (hsgd info lists them)");
}

void list_suites() {
  std::printf("built-in suites (hsgd experiment NAME; or the path of a suite file):\n");
  for (const auto& [name, text] : builtin_suites()) {
    const Suite s = parse_suite(text, name);
    std::printf("  %-16s %3zu runs  %s\n", name.c_str(), plan_runs(s).size(), s.description.c_str());
  }
}

// " (sync, async shared with runs/<owner>/)": the modes of a cell whose runs
// another cell's folder holds (equal but for options those modes ignore).
std::string shared_runs_note(const std::vector<SuiteRun>& runs, const std::string& cell_key) {
  std::map<std::string, std::vector<std::string>> modes_by_owner;
  for (const auto& r : runs) {
    if (r.cell_key == cell_key || std::find(r.cells.begin(), r.cells.end(), cell_key) == r.cells.end()) continue;
    auto& modes = modes_by_owner[r.cell_key];
    if (std::find(modes.begin(), modes.end(), r.mode) == modes.end()) modes.push_back(r.mode);
  }
  std::string note;
  for (const auto& [owner, modes] : modes_by_owner) {
    note += note.empty() ? " (" : "; ";
    for (size_t i = 0; i < modes.size(); ++i) note += (i > 0 ? ", " : "") + modes[i];
    note += " shared with runs/" + owner + "/";
  }
  return note.empty() ? note : note + ")";
}

void print_plan(const Suite& s) {
  const std::vector<SuiteRun> runs = plan_runs(s);
  std::printf("suite %s (%s): %s\n", s.name.c_str(), s.origin.c_str(), s.description.c_str());
  std::printf("  %zu seeds, modes", s.seeds.size());
  for (const auto& m : s.modes) std::printf(" %s", m.c_str());
  std::printf("; %zu distinct runs\n", runs.size());
  for (const auto& t : s.tables) {
    std::printf("  %s\n", t.name.c_str());
    for (const auto& c : t.cells)
      std::printf("    %-12s -> runs/%s/%s\n", c.label.c_str(), c.key.c_str(), shared_runs_note(runs, c.key).c_str());
  }
}

int run_experiment(ExperimentArgs& a) {
  if (a.suite.empty()) {
    list_suites();
    return 0;
  }
  if (a.list) {
    print_plan(load_suite(a.suite, a.set));
    return 0;
  }
  Suite suite = load_suite(a.suite, a.set);
  if (a.seeds > 0) {
    suite.seeds.clear();
    for (int i = 1; i <= a.seeds; ++i) suite.seeds.push_back(static_cast<uint64_t>(i));
  }
  const std::vector<SuiteRun> runs = plan_runs(suite);
  if (a.out.empty()) a.out = "results/" + suite.name;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (a.jobs <= 0) a.jobs = std::min<int>(cores, static_cast<int>(runs.size()));
  if (a.jobs < 1) a.jobs = 1;

  for (const auto& r : runs) check_request(suite, r);

  RunnerOptions options;
  options.program = self_path();
  options.results_dir = a.out;
  options.jobs = a.jobs;
  options.threads_per_run = std::max(1, cores / a.jobs);
  const RunnerOutcome outcome = run_suite(suite, runs, options);
  record_overrides(a.out, a.set, suite.seeds);  // what --set and --seeds changed, for `hsgd report`
  std::fprintf(stderr, "hsgd experiment %s: %d runs done now, %d before, %zu failed, %.1fs\n", suite.name.c_str(),
               outcome.ran, outcome.already_done, outcome.failed.size(), outcome.seconds);
  if (outcome.diverged > 0)
    std::fprintf(stderr, "hsgd experiment %s: %d of the runs done now diverged (kept as results: diverged = \"result\")\n",
                 suite.name.c_str(), outcome.diverged);
  if (outcome.interrupted) {
    std::fprintf(stderr, "hsgd experiment: interrupted; run the same command again to resume\n");
    return exit_status_of_signal(SIGINT);  // whichever signal stopped it, as Ctrl-C would
  }
  if (!outcome.failed.empty()) {
    for (const auto& f : outcome.failed) std::fprintf(stderr, "  failed: %s\n", f.c_str());
    throw Error("suite " + suite.name + ": " + std::to_string(outcome.failed.size()) +
                " run(s) failed; fix the cause and run the same command again (finished runs are kept)");
  }
  ReportOptions ro;
  ro.results_dir = a.out;
  ro.figures = !a.no_figures;
  const ReportOutcome report = build_report(suite, ro);
  for (const auto& w : report.warnings) std::fprintf(stderr, "hsgd experiment: warning: %s\n", w.c_str());
  std::printf("report: %s (%d figures)\n", report.report_path.c_str(), report.figures);
  return 0;
}

int run_report(const std::string& dir, bool no_figures) {
  const Suite suite = read_results_suite(dir);
  ReportOptions ro;
  ro.results_dir = dir;
  ro.figures = !no_figures;
  const ReportOutcome report = build_report(suite, ro);
  for (const auto& w : report.warnings) std::fprintf(stderr, "hsgd report: warning: %s\n", w.c_str());
  std::printf("report: %s (%d figures)\n", report.report_path.c_str(), report.figures);
  return 0;
}

}  // namespace

Command add_experiment_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "experiment", "run a suite of runs (built in: quick, paper-mnist, paper-cifar10, paper-synthetic; or a suite "
                    "file) and write its report; run it again to resume");
  auto a = std::make_shared<ExperimentArgs>();
  cmd->add_option("suite", a->suite, "a built-in suite's name or the path of a suite file (none: list the suites)");
  cmd->add_option("--out", a->out, "results folder (default results/<suite>)");
  cmd->add_option("--jobs", a->jobs, "runs at a time (default: the number of cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--seeds", a->seeds, "use seeds 1..N instead of the suite's")->check(CLI::Range(0, 1000));
  cmd->add_option("--set", a->set, "NAME=VALUE: override a training option of every run, e.g. --set model=mnist-cnn");
  cmd->add_flag("--list", a->list, "list the built-in suites, or the cells and runs of SUITE, and exit");
  cmd->add_flag("--no-figures", a->no_figures, "skip the gnuplot figures");
  return {cmd, [a] { return run_experiment(*a); }};
}

Command add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "rebuild the tables, figures and REPORT.md of an experiment's results folder");
  auto dir = std::make_shared<std::string>();
  auto no_figures = std::make_shared<bool>(false);
  cmd->add_option("dir", *dir, "the results folder of hsgd experiment")->required();
  cmd->add_flag("--no-figures", *no_figures, "skip the gnuplot figures");
  return {cmd, [dir, no_figures] { return run_report(*dir, *no_figures); }};
}

}  // namespace hsgd::cli
