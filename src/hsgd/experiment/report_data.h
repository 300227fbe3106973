// report_data.h: what the report is computed from (internal to report*.cc,
// compare_summary.cc and throughput_check.cc, which read runs the same way).
// Every run's metrics.csv is read back once per cell it serves; per cell of
// the suite and per named metric (test accuracy in points, test loss, train
// loss), averaged over the run or taken at its end, it holds the summary over
// seeds of each mode and of hybrid minus async and hybrid minus sync, paired
// by seed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "hsgd/experiment/stats.h"
#include "hsgd/experiment/suite.h"
#include "hsgd/metrics/run_metrics.h"

namespace hsgd::report {

// The three quantities of the paper's tables.
enum class Metric { kTestAccuracy, kTestLoss, kTrainLoss };
// A run's value: averaged over its evaluations (the paper's tables), or the last one.
enum class Over { kRun, kFinal };

constexpr std::array<Metric, 3> kMetrics = {Metric::kTestAccuracy, Metric::kTestLoss, Metric::kTrainLoss};
constexpr std::array<Over, 2> kOvers = {Over::kRun, Over::kFinal};

struct MetricInfo {
  const char* name;    // in the CSV files and a suite's [table.paper]: "test_accuracy"
  const char* title;   // a REPORT.md column: "test accuracy (points)"
  const char* label;   // a REPORT.md verdict: "Test accuracy"
  int decimals;        // in REPORT.md
};
const MetricInfo& info(Metric m);
const char* name_of(Over o);  // "run", "final"

// The metric in one evaluation row (accuracy in percentage points).
double value_of(const MetricsRow& row, Metric m);

// One value per (over, metric).
template <typename T>
class PerMetric {
 public:
  T& operator()(Over o, Metric m) { return values_[index(o, m)]; }
  const T& operator()(Over o, Metric m) const { return values_[index(o, m)]; }

 private:
  static size_t index(Over o, Metric m) {
    return static_cast<size_t>(o) * kMetrics.size() + static_cast<size_t>(m);
  }
  std::array<T, kOvers.size() * kMetrics.size()> values_{};
};

using Summaries = PerMetric<stats::Summary>;

struct RunValues {
  // The evaluations; a diverged run's are carried on to its time budget with
  // its last values (its model does not change after it diverged).
  std::vector<MetricsRow> rows;
  double diverged_at_s = -1;  // when it diverged; -1 = it did not
  PerMetric<double> value;
  bool diverged() const { return diverged_at_s >= 0; }
};
using ModeRuns = std::map<uint64_t, RunValues>;  // by seed

struct CellResult {
  std::map<std::string, ModeRuns> modes;        // by mode
  std::map<std::string, Summaries> mode_stats;  // by mode: the values over seeds
  std::map<std::string, Summaries> diff;        // by "async" / "sync": hybrid minus it, per seed

  bool has(const std::string& mode) const { return modes.count(mode) > 0; }
  bool compares_with(const std::string& other) const { return diff.count(other) > 0; }
};
using CellResults = std::map<std::string, CellResult>;  // by cell key

// Reads every run of every distinct cell under `root` (a run shared by cells,
// see RunFolders, is read for each) and computes the statistics. Throws DataError naming the file when a run's metrics are
// missing or broken.
CellResults load_cells(const Suite& suite, const std::filesystem::path& root);

// The paper's hybrid - async of a metric (averaged over the run) in a cell of
// the table; NaN where the suite gives none.
double paper_difference(const SuiteTable& table, size_t cell, Metric m);
bool has_paper_difference(const SuiteTable& table, Metric m);

}  // namespace hsgd::report
