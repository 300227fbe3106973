// compare_command.cc: `hsgd compare` runs sync, async and hybrid on one
// configuration (the same seed, so the same initial weights, shards and
// delays) and prints final and run-averaged metrics side by side, plus
// hybrid - async and hybrid - sync in the paper's form (averaged over the run).
//
// Writes OUT/<mode>/ for each run and OUT/compare.csv, OUT/compare.json.
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd::cli {
namespace {

std::vector<std::string> split_modes(const std::string& s) {
  std::vector<std::string> modes;
  std::stringstream in(s);
  for (std::string m; std::getline(in, m, ',');) modes.push_back(m);
  return modes;
}

int run_compare(const OptionTable& table, TrainConfig& config, const std::string& modes_text) {
  const auto modes = split_modes(modes_text);
  if (modes.empty()) throw ConfigError("--modes is empty; expected e.g. sync,async,hybrid");
  for (const auto& m : modes) {
    TrainConfig check = config;
    check.mode = m;
    check.validate();  // fails on a bad mode before any run
  }
  if (config.runtime == "single") throw ConfigError("--runtime single has no modes to compare; use threads");
  const Dataset data = prepare_run(config, "compare", table.given("workers"));
  const bool output = is_output_rank(config);
  if (output) table.save(config.out_dir + "/config.toml");
  const std::string root = config.out_dir;

  std::vector<RunResult> results;
  for (const auto& m : modes) {
    TrainConfig run = config;
    run.mode = m;
    run.out_dir = root + "/" + m;
    if (output) std::fprintf(stderr, "hsgd compare: %s (%zu of %zu)\n", m.c_str(), results.size() + 1, modes.size());
    results.push_back(run_training(run, data));
  }
  if (!output) return 0;

  CsvWriter csv(root + "/compare.csv",
                {"mode", "final_test_accuracy", "mean_test_accuracy", "final_test_loss", "mean_test_loss",
                 "final_train_loss", "mean_train_loss", "gradients", "updates", "train_seconds"});
  nlohmann::json summary = {{"config", config}, {"modes", nlohmann::json::object()}};
  std::printf("\n%-7s %10s %10s %10s %10s %10s %10s %10s %8s\n", "mode", "final acc", "avg acc", "final tl",
              "avg tl", "final trl", "avg trl", "gradients", "updates");
  for (size_t i = 0; i < modes.size(); ++i) {
    const RunResult& r = results[i];
    const MetricsRow& f = r.final_row();
    std::printf("%-7s %9.2f%% %9.2f%% %10.4f %10.4f %10.4f %10.4f %10llu %8llu\n", modes[i].c_str(),
                100 * f.test_accuracy, 100 * r.mean_test_accuracy(), f.test_loss, r.mean_test_loss(), f.train_loss,
                r.mean_train_loss(), (unsigned long long)f.gradients, (unsigned long long)f.updates);
    csv.row({modes[i], CsvWriter::num(f.test_accuracy), CsvWriter::num(r.mean_test_accuracy()),
             CsvWriter::num(f.test_loss), CsvWriter::num(r.mean_test_loss()), CsvWriter::num(f.train_loss),
             CsvWriter::num(r.mean_train_loss()), CsvWriter::num((long long)f.gradients),
             CsvWriter::num((long long)f.updates), CsvWriter::num(r.train_seconds)});
    summary["modes"][modes[i]] = r;
  }
  auto index_of = [&](const std::string& m) {
    for (size_t i = 0; i < modes.size(); ++i)
      if (modes[i] == m) return static_cast<int>(i);
    return -1;
  };
  const int hybrid = index_of("hybrid");
  for (const char* other : {"async", "sync"}) {
    const int o = index_of(other);
    if (hybrid < 0 || o < 0) continue;
    const RunResult &h = results[hybrid], &b = results[o];
    const double acc = 100 * (h.mean_test_accuracy() - b.mean_test_accuracy());
    const double tl = h.mean_test_loss() - b.mean_test_loss();
    const double trl = h.mean_train_loss() - b.mean_train_loss();
    std::printf("hybrid - %-5s (averaged over the run): test accuracy %+.3f points, test loss %+.4f, train loss %+.4f\n",
                other, acc, tl, trl);
    summary[std::string("hybrid_minus_") + other] = {
        {"test_accuracy_points", acc}, {"test_loss", tl}, {"train_loss", trl}};
  }
  write_json_file(root + "/compare.json", summary);
  std::printf("results: %s/compare.csv, compare.json, and one folder per mode\n", root.c_str());
  return 0;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "run sync, async and hybrid on the same configuration and compare them");
  auto config = std::make_shared<TrainConfig>();
  auto table = std::make_shared<OptionTable>(cmd);
  auto modes = std::make_shared<std::string>("sync,async,hybrid");
  add_training_options(*table, *config, /*with_mode=*/false);
  table->add("modes", *modes, "modes to run, comma-separated");
  return {cmd, [config, table, modes] {
            table->load_config_file();
            return run_compare(*table, *config, *modes);
          }};
}

}  // namespace hsgd::cli
