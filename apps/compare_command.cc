// compare_command.cc: `hsgd compare` runs sync, async and hybrid on one
// configuration over --seeds N seeds (--seed, --seed + 1, ...; within a seed
// the modes share initial weights, shards and delays, so their differences
// are paired by seed) and prints, from the runs' metrics files, per mode the
// test accuracy with a 95% CI, hybrid - async and hybrid - sync with a 95% CI
// and a paired p-value, and a one-line verdict (compare_summary.h). In the
// real-time runtimes it warns when hybrid and another mode received gradients
// at rates more than 20% apart under the same K (throughput_check.h).
//
// OUT (OUT.partial/ until the last run has ended) is a results folder of
// `hsgd experiment` too (experiment/results_folder.h, compare_files.h):
// runs/base/<mode>-seed<N>/ per run,
// suite.toml, experiment.json, the report (REPORT.md, tables.csv, modes.csv,
// curves/, figures/), config.toml, compare.csv and compare.json; `hsgd report
// OUT` rebuilds the report. A terminated run ends the comparison (without a
// report); a diverged one does not.
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

#include "apps/commands.h"
#include "apps/compare_files.h"
#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/experiment/compare_summary.h"
#include "hsgd/experiment/report.h"
#include "hsgd/experiment/results_folder.h"
#include "hsgd/runtime/run.h"

namespace hsgd::cli {
namespace {

constexpr int kMaxSeeds = 1000;
constexpr uint64_t kMaxSeed = 9200000000000000000ull;  // --seed's range

struct CompareArgs {
  std::string modes_text = "sync,async,hybrid";
  std::string seeds_text = "1";
  std::string reference_text;  // --reference-difference
  bool no_figures = false;
  std::vector<Mode> modes;
  std::vector<uint64_t> seeds;
  std::optional<double> reference;
};

constexpr double kMaxReference = 100;  // points of accuracy

// --reference-difference X: a published hybrid - async in points, in [-100, 100].
std::optional<double> parse_reference(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::string range = "must be a number of points in [-100, 100]";
  size_t used = 0;
  double x = NAN;
  try {
    x = std::stod(text, &used);
  } catch (const std::exception&) {
    throw ConfigError("--reference-difference = " + text + ": " + range);
  }
  if (used != text.size() || !(std::fabs(x) <= kMaxReference))
    throw ConfigError("--reference-difference = " + text + ": " + range);
  return x;
}

std::vector<Mode> parse_modes(const std::string& text) {
  std::vector<Mode> modes;
  std::stringstream in(text);
  for (std::string m; std::getline(in, m, ',');) {
    const auto mode = enum_from_name<Mode>(m);
    if (!mode) throw ConfigError("--modes " + text + ": '" + m + "' is no mode; expected " + enum_choices<Mode>());
    for (Mode seen : modes)
      if (seen == *mode) throw ConfigError("--modes " + text + ": " + m + " is given twice");
    modes.push_back(*mode);
  }
  if (modes.empty()) throw ConfigError("--modes is empty; expected e.g. sync,async,hybrid");
  return modes;
}

// --seeds N: seeds first, first + 1, ..., first + N - 1.
std::vector<uint64_t> parse_seeds(const std::string& text, uint64_t first) {
  const std::string range = "must be a whole number in [1, " + std::to_string(kMaxSeeds) + "]";
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    throw ConfigError("--seeds = " + text + ": " + range);
  }
  if (used != text.size()) throw ConfigError("--seeds = " + text + ": " + range);
  if (n < 1 || n > kMaxSeeds) throw ConfigError("--seeds = " + text + " is out of range: " + range);
  if (first > kMaxSeed - static_cast<uint64_t>(n - 1))
    throw ConfigError("--seeds = " + text + " with --seed " + std::to_string(first) + ": the last seed would be above " +
                      std::to_string(kMaxSeed));
  std::vector<uint64_t> seeds;
  for (long long i = 0; i < n; ++i) seeds.push_back(first + static_cast<uint64_t>(i));
  return seeds;
}

// The configuration of every run, seed by seed and mode by mode in each; every one checked.
std::vector<TrainConfig> run_configs(Session& session, const OptionTable& table, const TrainConfig& config,
                                     const CompareArgs& args, std::vector<CompareRun>& runs) {
  std::vector<TrainConfig> by_mode(args.modes.size(), config);
  for (size_t i = 0; i < args.modes.size(); ++i) {
    by_mode[i].ps.mode = args.modes[i];
    session.prepare_settings(by_mode[i], table.given("workers"), machine_cores());
  }
  std::vector<TrainConfig> configs;
  for (uint64_t seed : args.seeds)
    for (size_t i = 0; i < args.modes.size(); ++i) {
      configs.push_back(by_mode[i]);
      configs.back().seed = seed;
      runs.push_back({args.modes[i], seed, compare_run_dir(args.modes[i], seed)});
    }
  return configs;
}

// The worst way a run ended decides the exit status: terminated, then
// diverged, then target not reached.
int compare_exit_status(const std::vector<RunResult>& results, const std::vector<TrainConfig>& configs) {
  int status = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const int s = exit_status(results[i], configs[i]);
    if (s >= kExitSignalBase) return s;
    if (s == kExitDiverged || (s != 0 && status == 0)) status = s;
  }
  return status;
}

void print_runs(const std::vector<CompareRun>& runs, const std::vector<RunResult>& results) {
  std::printf("\n%-7s %6s %-10s %10s %10s %10s %10s %10s %8s\n", "mode", "seed", "status", "final acc", "avg acc",
              "final tl", "avg tl", "gradients", "updates");
  for (size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    const MetricsRow f = r.rows.empty() ? MetricsRow{} : r.final_row();
    std::printf("%-7s %6llu %-10s %9.2f%% %9.2f%% %10.4f %10.4f %10llu %8llu\n", name_of(runs[i].mode),
                static_cast<unsigned long long>(runs[i].seed), name_of(r.status), 100 * f.test_accuracy,
                100 * r.mean_test_accuracy(), f.test_loss, r.mean_test_loss(),
                static_cast<unsigned long long>(f.gradients), static_cast<unsigned long long>(f.updates));
  }
  std::printf("\n");
}

// Runs every run into folder/runs/base/; stops after a terminated run.
std::vector<RunResult> run_all(Session& session, const std::vector<TrainConfig>& configs,
                               const std::vector<CompareRun>& runs, const RunFolder& folder) {
  std::filesystem::create_directories(folder.path() + "/runs/base");
  std::vector<RunResult> results;
  for (size_t i = 0; i < configs.size(); ++i) {
    TrainConfig run = configs[i];
    run.out_dir = folder.path() + "/" + runs[i].dir;
    run.overwrite = false;
    std::fprintf(stderr, "hsgd compare: %s, seed %llu (%zu of %zu)\n", name_of(runs[i].mode),
                 static_cast<unsigned long long>(runs[i].seed), i + 1, configs.size());
    RunFolder run_folder(run.out_dir, false);
    results.push_back(session.run(run, run_folder, "train"));
    if (results.back().status == RunStatus::kTerminated) break;
  }
  return results;
}

// The statistics and the report, from the runs' metrics files; prints the summary.
nlohmann::json summarize_and_report(const Runtime& runtime, const TrainConfig& config, const RunFolder& folder,
                                    const std::string& suite_text, bool figures, std::optional<double> reference) {
  const Suite suite = parse_suite(suite_text, config.out_dir + "/" + kSuiteFile);
  const bool real_time = runtime.traits().real_time;
  write_requests(suite, folder.path());
  const CompareSummary summary = summarize_compare(suite, folder.path(), real_time, reference);
  std::fputs(summary.text.c_str(), stdout);
  ReportOptions options;
  options.results_dir = folder.path();
  options.shown_dir = config.out_dir;
  options.figures = figures;
  const ReportOutcome report = build_report(suite, options);
  for (const auto& w : report.warnings) std::fprintf(stderr, "hsgd compare: warning: %s\n", w.c_str());
  return summary.json;
}

// compare.csv and the table of runs; when every run ran, experiment.json, the
// statistics and the report; then compare.json.
void write_results(const Runtime& runtime, const TrainConfig& config, const CompareArgs& args, const RunFolder& folder,
                   const std::string& suite_text, const std::vector<CompareRun>& runs,
                   const std::vector<RunResult>& results, double seconds) {
  write_compare_csv(folder.path(), runs, results);
  print_runs(runs, results);
  nlohmann::json statistics;
  if (results.size() == runs.size()) {
    write_compare_record(folder.path(), config.out_dir, args.seeds, static_cast<int>(results.size()), seconds);
    statistics = summarize_and_report(runtime, config, folder, suite_text, !args.no_figures, args.reference);
  } else {
    std::printf("a run was terminated: no statistics and no report\n");
  }
  write_compare_json(folder.path(), config, runs, results, statistics);
}

int compare_with(Runtime& runtime, const OptionTable& table, TrainConfig& config, const CompareArgs& args) {
  Session session(runtime, session_models());
  std::vector<CompareRun> runs;
  const std::vector<TrainConfig> configs = run_configs(session, table, config, args, runs);
  config = configs[args.modes.size() - 1];  // the last mode of the first seed: data, model, config.toml
  session.prepare_model(config);
  if (session.serves()) {  // an MPI worker rank
    session.serve(configs);
    return 0;
  }
  const Stopwatch clock;
  const std::unique_ptr<RunFolder> taken = session.open_folder(config, "compare");
  RunFolder& folder = *taken;
  session.load_data(config, &folder);
  session.print_data_summary();
  std::vector<RunResult> results;
  try {
    write_config_file(folder, config, "compare",
                      "modes = " + toml_string(args.modes_text) + "\nseeds = " + toml_string(args.seeds_text) + "\n" +
                          (args.reference_text.empty()
                               ? ""
                               : "reference-difference = " + toml_string(args.reference_text) + "\n"));
    const std::string suite_text = compare_suite_toml(table, config, args.modes, args.seeds);
    write_suite_file(folder.path(), suite_text);
    results = run_all(session, configs, runs, folder);
    write_results(runtime, config, args, folder, suite_text, runs, results, clock.seconds());
  } catch (...) {
    folder.commit_after_failure();
    throw;
  }
  folder.commit();
  std::printf("results: %s/ (REPORT.md, figures/, compare.json, compare.csv, runs/base/<mode>-seed<N>/); "
              "hsgd report %s rebuilds the report\n",
              config.out_dir.c_str(), config.out_dir.c_str());
  const std::vector<TrainConfig> ran(configs.begin(), configs.begin() + static_cast<long>(results.size()));
  return compare_exit_status(results, ran);
}

int run_compare(const OptionTable& table, TrainConfig& config, CompareArgs& args) {
  args.modes = parse_modes(args.modes_text);
  args.seeds = parse_seeds(args.seeds_text, config.seed);
  args.reference = parse_reference(args.reference_text);
  const auto runtime = make_runtime(config.runtime);
  if (!runtime->traits().compares_modes)
    throw ConfigError(std::string("--runtime ") + name_of(config.runtime) + " has no modes to compare; use threads");
  return run_or_abandon(*runtime, [&] { return compare_with(*runtime, table, config, args); });
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "run sync, async and hybrid on the same configuration over seeds and "
                                            "compare them (95% CIs, paired tests, a verdict)");
  auto config = std::make_shared<TrainConfig>();
  auto args = std::make_shared<CompareArgs>();
  auto table = std::make_shared<OptionTable>(cmd, *config, /*with_mode=*/false);
  table->add_extra("modes", args->modes_text, "modes to run, comma-separated: sync, async, hybrid");
  table->add_extra("seeds", args->seeds_text,
                   "run each mode with seeds --seed, --seed + 1, ..., N of them; N in [1, 1000] (2 or more for "
                   "confidence intervals and p-values, 5 for a verdict)");
  table->add_extra("reference-difference", args->reference_text,
                   "a published hybrid - async of the run-averaged test accuracy, in points in [-100, 100] (the "
                   "paper's Table 1 cell (300,32): 1.374); the verdict says whether hybrid - async's 95% CI excludes it");
  cmd->add_flag("--no-figures", args->no_figures, "skip the gnuplot figures of the report");
  return {cmd,
          [config, table, args] {
            table->apply();
            return run_compare(*table, *config, *args);
          },
          config};
}

}  // namespace hsgd::cli
