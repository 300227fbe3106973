// compare_command.cc: `hsgd compare` runs sync, async and hybrid on one
// configuration (the same seed, so the same initial weights, shards and
// delays) and prints final and run-averaged metrics side by side, plus
// hybrid - async and hybrid - sync in the paper's form (averaged over the run).
//
// Writes OUT/<mode>/ for each run and OUT/compare.csv, OUT/compare.json; OUT
// is OUT.partial/ until the last run has ended. A terminated run ends the
// comparison; a diverged one does not.
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/metrics/csv_writer.h"
#include "hsgd/runtime/run.h"
#include "hsgd/runtime/run_folder.h"

namespace hsgd::cli {
namespace {

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

void write_comparison(const std::string& dir, const TrainConfig& config, const std::vector<Mode>& modes,
                      const std::vector<RunResult>& results) {
  CsvWriter csv(dir + "/compare.csv",
                {"mode", "status", "final_test_accuracy", "mean_test_accuracy", "final_test_loss", "mean_test_loss",
                 "final_train_loss", "mean_train_loss", "gradients", "updates", "train_seconds"});
  nlohmann::json summary = {{"config", config}, {"modes", nlohmann::json::object()}};
  std::printf("\n%-7s %-10s %10s %10s %10s %10s %10s %10s %10s %8s\n", "mode", "status", "final acc", "avg acc",
              "final tl", "avg tl", "final trl", "avg trl", "gradients", "updates");
  for (size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    const char* mode = name_of(modes[i]);
    const MetricsRow f = r.rows.empty() ? MetricsRow{} : r.final_row();
    std::printf("%-7s %-10s %9.2f%% %9.2f%% %10.4f %10.4f %10.4f %10.4f %10llu %8llu\n", mode, name_of(r.status),
                100 * f.test_accuracy, 100 * r.mean_test_accuracy(), f.test_loss, r.mean_test_loss(), f.train_loss,
                r.mean_train_loss(), (unsigned long long)f.gradients, (unsigned long long)f.updates);
    csv.row({mode, name_of(r.status), CsvWriter::num(f.test_accuracy), CsvWriter::num(r.mean_test_accuracy()),
             CsvWriter::num(f.test_loss), CsvWriter::num(r.mean_test_loss()), CsvWriter::num(f.train_loss),
             CsvWriter::num(r.mean_train_loss()), CsvWriter::num((long long)f.gradients),
             CsvWriter::num((long long)f.updates), CsvWriter::num(r.train_seconds)});
    summary["modes"][mode] = r;
  }
  auto result_of = [&](Mode m) -> const RunResult* {
    for (size_t i = 0; i < results.size(); ++i)
      if (modes[i] == m) return &results[i];
    return nullptr;
  };
  const RunResult* hybrid = result_of(Mode::kHybrid);
  for (Mode other : {Mode::kAsync, Mode::kSync}) {
    const RunResult* b = result_of(other);
    if (hybrid == nullptr || b == nullptr) continue;
    const double acc = 100 * (hybrid->mean_test_accuracy() - b->mean_test_accuracy());
    const double tl = hybrid->mean_test_loss() - b->mean_test_loss();
    const double trl = hybrid->mean_train_loss() - b->mean_train_loss();
    std::printf("hybrid - %-5s (averaged over the run): test accuracy %+.3f points, test loss %+.4f, train loss %+.4f\n",
                name_of(other), acc, tl, trl);
    summary[std::string("hybrid_minus_") + name_of(other)] = {
        {"test_accuracy_points", acc}, {"test_loss", tl}, {"train_loss", trl}};
  }
  write_json_file(dir + "/compare.json", summary);
}

// The worst way a run ended decides the exit status: terminated, then
// diverged, then target not reached.
int compare_exit_status(const std::vector<RunResult>& results, const std::vector<TrainConfig>& configs) {
  int status = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const int s = exit_status(results[i], configs[i]);
    if (s >= 128) return s;
    if (s == kExitDiverged || (s != 0 && status == 0)) status = s;
  }
  return status;
}

int compare_with(Runtime& runtime, const OptionTable& table, TrainConfig& config, const std::vector<Mode>& modes,
                 const std::string& modes_text) {
  std::vector<TrainConfig> configs(modes.size(), config);
  for (size_t i = 0; i < modes.size(); ++i) {
    configs[i].ps.mode = modes[i];
    prepare_config(runtime, configs[i], table.given("workers"), machine_cores());
  }
  config = configs.back();
  const ModelFactory factory = model_factory(config);
  check_model(config, factory);
  set_compute_threads(config.threads);
  if (!runtime.writes_results()) {  // an MPI worker rank
    const Dataset data = runtime.load_data(config);
    for (const auto& c : configs) runtime.serve(c, data, factory);
    return 0;
  }
  if (config.out_dir.empty()) config.out_dir = default_out_dir("compare");
  RunFolder folder(config.out_dir, config.overwrite);
  const Dataset data = load_run_data(runtime, config, factory, folder);
  write_config_file(folder, config, "compare", "modes = " + toml_string(modes_text) + "\n");
  std::vector<RunResult> results;
  try {
    for (size_t i = 0; i < modes.size(); ++i) {
      TrainConfig& run = configs[i];
      run.out_dir = folder.path() + "/" + name_of(modes[i]);
      run.overwrite = false;
      std::fprintf(stderr, "hsgd compare: %s (%zu of %zu)\n", name_of(modes[i]), i + 1, modes.size());
      RunFolder mode_folder(run.out_dir, false);
      results.push_back(run_training(runtime, run, data, factory, mode_folder, "train", stderr));
      if (results.back().status == RunStatus::kTerminated) break;
    }
    write_comparison(folder.path(), config, modes, results);
  } catch (...) {
    folder.commit_after_failure();
    throw;
  }
  folder.commit();
  std::printf("results: %s/compare.csv, compare.json, and one folder per mode\n", config.out_dir.c_str());
  configs.resize(results.size());
  return compare_exit_status(results, configs);
}

int run_compare(const OptionTable& table, TrainConfig& config, const std::string& modes_text) {
  const std::vector<Mode> modes = parse_modes(modes_text);
  if (config.runtime == RuntimeKind::kSingle) throw ConfigError("--runtime single has no modes to compare; use threads");
  const auto runtime = make_runtime(config.runtime);
  return run_or_abandon(*runtime, [&] { return compare_with(*runtime, table, config, modes, modes_text); });
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "run sync, async and hybrid on the same configuration and compare them");
  auto config = std::make_shared<TrainConfig>();
  auto modes = std::make_shared<std::string>("sync,async,hybrid");
  auto table = std::make_shared<OptionTable>(cmd, *config, /*with_mode=*/false);
  table->add_extra("modes", *modes, "modes to run, comma-separated: sync, async, hybrid");
  return {cmd, [config, table, modes] {
            table->apply();
            return run_compare(*table, *config, *modes);
          }};
}

}  // namespace hsgd::cli
