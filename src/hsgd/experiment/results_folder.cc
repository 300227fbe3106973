// results_folder.cc: see results_folder.h.
#include "hsgd/experiment/results_folder.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/common/machine.h"
#include "hsgd/common/text_file.h"
#include "hsgd/metrics/run_metrics.h"

namespace hsgd {
namespace fs = std::filesystem;
namespace {

std::string utc_now() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

void write_record(const fs::path& root, const nlohmann::json& record) {
  write_results_text(root / kExperimentRecordFile, record.dump(2) + "\n");
}

}  // namespace

// ---------------------------------------------------------------- writing

void write_results_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw Error(path.string() + ": cannot write");
}

void write_suite_file(const fs::path& root, const std::string& suite_text) {
  write_results_text(root / kSuiteFile, suite_text);
}

void write_requests(const Suite& suite, const fs::path& root) {
  for (const SuiteRun& run : plan_runs(suite)) write_results_text(root / run.dir / kRequestFile, run.request);
}

void record_invocation(const fs::path& root, const Suite& suite, const RunnerInvocation& inv) {
  nlohmann::json record = nlohmann::json::object();
  const fs::path path = root / kExperimentRecordFile;
  if (fs::is_regular_file(path)) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    try {
      record = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception&) {
      record = nlohmann::json::object();
    }
  }
  record["suite"] = suite.name;
  record["origin"] = suite.origin;
  record["runs"] = inv.runs_total;
  record["invocations"].push_back({{"finished_utc", utc_now()}, {"real_seconds", inv.real_seconds},
                                   {"runs_run", inv.runs_run}, {"already_done", inv.already_done},
                                   {"jobs", inv.jobs}, {"threads_per_run", inv.threads_per_run},
                                   {"machine", machine_description()}, {"failed", inv.failed},
                                   {"diverged", inv.diverged}, {"interrupted", inv.interrupted}});
  double total = 0;
  for (const auto& i : record["invocations"]) total += i.value("real_seconds", 0.0);
  record["real_seconds_total"] = total;
  write_record(root, record);
}

void record_overrides(const fs::path& root, const std::vector<std::string>& set, const std::vector<uint64_t>& seeds) {
  nlohmann::json record = nlohmann::json::parse(std::ifstream(root / kExperimentRecordFile));
  record["set"] = set;
  record["seeds"] = seeds;
  write_record(root, record);
}

void write_compare_record(const fs::path& root, const std::string& shown_dir, const std::vector<uint64_t>& seeds,
                          int runs, double real_seconds) {
  const nlohmann::json record = {
      {"suite", "compare"}, {"origin", "hsgd compare"}, {"runs", runs}, {"seeds", seeds},
      {"reproduce", "hsgd compare --config " + shown_dir + "/config.toml --out NEW_FOLDER"},
      {"real_seconds_total", real_seconds},
      {"invocations", {{{"real_seconds", real_seconds}, {"runs_run", runs}, {"jobs", 1},
                        {"machine", machine_description()}}}}};
  write_record(root, record);
}

// ---------------------------------------------------------------- reading

Suite read_results_suite(const fs::path& root) {
  const fs::path suite_file = root / kSuiteFile;
  std::error_code ec;
  if (!fs::exists(suite_file, ec) && !ec)
    throw DataError(suite_file.string(), "missing file: not a results folder of hsgd experiment");
  const std::string suite_text = read_bounded_text_file(suite_file.string(), kMaxSuiteFileBytes, "a suite file");
  std::vector<std::string> set;
  std::vector<uint64_t> seeds;
  bool recorded_built_in = false;
  const fs::path record = root / kExperimentRecordFile;
  if (fs::exists(record, ec) || ec) {  // what --set and --seeds changed
    const std::string json = read_bounded_text_file(record.string(), kMaxExperimentFileBytes, "the suite's record");
    try {
      const auto j = nlohmann::json::parse(json);
      if (j.contains("set")) set = j["set"].get<std::vector<std::string>>();
      if (j.contains("seeds")) seeds = j["seeds"].get<std::vector<uint64_t>>();
      recorded_built_in = j.value("origin", std::string()) == "built-in";
    } catch (const nlohmann::json::exception& e) {
      throw DataError(record.string(), std::string("not valid: ") + e.what());
    }
  }
  Suite suite = parse_suite(suite_text, suite_file.string(), set);
  if (!seeds.empty()) suite.seeds = seeds;
  // A built-in suite's results say so, as `hsgd experiment` wrote them, while
  // the saved text is still the built-in one.
  if (recorded_built_in)
    for (const auto& [name, text] : builtin_suites())
      if (name == suite.name && text == suite_text) suite.origin = "built-in";
  return suite;
}

RecordedTiming read_recorded_timing(const fs::path& root) {
  RecordedTiming timing;
  const fs::path file = root / kExperimentRecordFile;
  if (!fs::is_regular_file(file)) return timing;
  try {
    const auto j = nlohmann::json::parse(read_bounded_text_file(file.string(), kMaxExperimentFileBytes,
                                                                "the suite's record"));
    timing.real_seconds = j.value("real_seconds_total", -1.0);
    timing.reproduce = j.value("reproduce", std::string());  // hsgd compare's own command
    for (const auto& inv : j.value("invocations", nlohmann::json::array())) {
      if (inv.value("runs_run", 0) == 0) continue;
      timing.jobs = std::max(timing.jobs, inv.value("jobs", 0));
      const std::string machine = inv.value("machine", std::string());
      if (!machine.empty() && timing.machine.find(machine) == std::string::npos)
        timing.machine += (timing.machine.empty() ? "" : " and ") + machine;
    }
  } catch (const nlohmann::json::exception&) {
  } catch (const DataError&) {
  }
  return timing;
}

std::string read_run_status(const fs::path& run) {
  try {
    const std::string text =
        read_bounded_text_file((run / "summary.json").string(), kMaxSummaryFileBytes, "a run's summary");
    return nlohmann::json::parse(text).value("status", std::string("finished"));
  } catch (const nlohmann::json::exception&) {
    return "unreadable";
  } catch (const DataError&) {
    return "unreadable";
  }
}

}  // namespace hsgd
