// compare_files.cc: see compare_files.h.
#include "apps/compare_files.h"

#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/config/option_io.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd::cli {
namespace {

// Options the suite runner sets itself, and may not appear in a suite's [options].
bool set_by_the_suite(const std::string& name) { return name == "mode" || name == "seed"; }

// The "name = value" lines of config.toml for the options given, and the runtime (which names the time axis).
std::string given_option_lines(const OptionTable& table, const TrainConfig& config) {
  std::istringstream all(config_toml(config, "compare"));
  std::string lines;
  for (std::string line; std::getline(all, line);) {
    const auto eq = line.find(" = ");
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    const std::string name = line.substr(0, eq);
    if (!set_by_the_suite(name) && (table.given(name) || name == "runtime")) lines += line + "\n";
  }
  return lines;
}

}  // namespace

std::string compare_run_dir(Mode mode, uint64_t seed) {
  return run_dir("base", name_of(mode), seed);
}

std::string compare_suite_toml(const OptionTable& table, const TrainConfig& config, const std::vector<Mode>& modes,
                               const std::vector<uint64_t>& seeds) {
  std::string seed_list, mode_list;
  for (uint64_t s : seeds) seed_list += (seed_list.empty() ? "" : ", ") + std::to_string(s);
  for (Mode m : modes) mode_list += (mode_list.empty() ? "" : ", ") + toml_string(name_of(m));
  return "# written by hsgd compare: its runs as a one-cell suite, so that `hsgd report` rebuilds its report\n"
         "name = \"compare\"\n"
         "description = " + toml_string("hsgd compare over " + std::to_string(seeds.size()) +
                                        (seeds.size() == 1 ? " seed" : " seeds") +
                                        "; every option of the runs is in config.toml") + "\n"
         "seeds = [" + seed_list + "]\nmodes = [" + mode_list + "]\n\n[options]\n" + given_option_lines(table, config);
}

void write_compare_csv(const std::string& dir, const std::vector<CompareRun>& runs,
                       const std::vector<RunResult>& results) {
  CsvWriter csv(dir + "/compare.csv",
                {"mode", "seed", "status", "final_test_accuracy", "mean_test_accuracy", "final_test_loss",
                 "mean_test_loss", "final_train_loss", "mean_train_loss", "gradients", "updates", "train_seconds"});
  for (size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    const MetricsRow f = r.rows.empty() ? MetricsRow{} : r.final_row();
    csv.row({name_of(runs[i].mode), std::to_string(runs[i].seed), name_of(r.status), CsvWriter::num(f.test_accuracy),
             CsvWriter::num(r.mean_test_accuracy()), CsvWriter::num(f.test_loss), CsvWriter::num(r.mean_test_loss()),
             CsvWriter::num(f.train_loss), CsvWriter::num(r.mean_train_loss()),
             CsvWriter::num(static_cast<long long>(f.gradients)), CsvWriter::num(static_cast<long long>(f.updates)),
             CsvWriter::num(r.train_seconds)});
  }
}

void write_compare_json(const std::string& dir, const TrainConfig& config, const std::vector<CompareRun>& runs,
                        const std::vector<RunResult>& results, const nlohmann::json& statistics) {
  nlohmann::json j = {{"config", config}, {"runs", nlohmann::json::array()}, {"statistics", statistics}};
  for (size_t i = 0; i < results.size(); ++i) {
    nlohmann::json run = results[i];
    run["mode"] = name_of(runs[i].mode);
    run["seed"] = runs[i].seed;
    run["folder"] = runs[i].dir;
    j["runs"].push_back(run);
  }
  write_json_file(dir + "/compare.json", j);
}

}  // namespace hsgd::cli
