// report_data.cc: see report_data.h. Reads the runs, then summarises each
// metric over seeds per mode and per paired difference.
#include "hsgd/experiment/report_data.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"
#include "hsgd/metrics/metrics_reader.h"

namespace hsgd::report {
namespace fs = std::filesystem;
namespace {

constexpr std::array<MetricInfo, 3> kInfo = {{
    {"test_accuracy", "test accuracy (points)", "Test accuracy", 2},
    {"test_loss", "test loss", "Test loss", 3},
    {"train_loss", "train loss", "Train loss", 3},
}};

double run_mean(const RunResult& r, Metric m) {
  switch (m) {
    case Metric::kTestAccuracy: return 100 * r.mean_test_accuracy();
    case Metric::kTestLoss: return r.mean_test_loss();
    case Metric::kTrainLoss: return r.mean_train_loss();
  }
  return NAN;
}

// The last train loss seen: a run whose last interval had no gradient has none in its last row.
double last_finite_train_loss(const std::vector<MetricsRow>& rows) {
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    if (std::isfinite(it->train_loss)) return it->train_loss;
  return NAN;
}

constexpr double kMaxPaddedRows = 1e6;

// How a run ended, from its summary.json; a run without one (older than
// summaries) counts as finished.
struct RunEnd {
  bool diverged = false;
  double budget_seconds = 0;  // --seconds; 0 when the budget was counted otherwise
  double eval_every = 0;      // --eval-every, seconds
};

RunEnd read_run_end(const fs::path& dir) {
  const fs::path path = dir / "summary.json";
  std::error_code ec;
  if (!fs::exists(path, ec) && !ec) return {};
  const std::string text = read_bounded_text_file(path.string(), kMaxSummaryFileBytes, "a run's summary");
  RunEnd end;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    end.diverged = j.value("status", std::string("finished")) == "diverged";
    if (!end.diverged) return end;
    const nlohmann::json& config = j.at("config");
    end.budget_seconds = config.at("seconds").get<double>();
    end.eval_every = config.at("eval_every").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path.string(), std::string("not a run summary: ") + e.what());
  }
  if (!std::isfinite(end.budget_seconds) || end.budget_seconds < 0 || !std::isfinite(end.eval_every) ||
      end.eval_every <= 0 || end.budget_seconds / end.eval_every > kMaxPaddedRows)
    throw DataError(path.string(), "config.seconds and config.eval_every out of range for a diverged run");
  return end;
}

// A diverged run stopped early; its model stays what it was when it
// diverged. Its evaluations are carried on at every --eval-every to the time
// budget with the last evaluation's values (the counters unchanged), so that
// its run average covers the same interval as the other runs'.
void pad_diverged_run(std::vector<MetricsRow>& rows, const RunEnd& end) {
  if (rows.empty() || end.budget_seconds <= 0) return;
  const MetricsRow last = rows.back();
  const double tolerance = 1e-9 * end.budget_seconds;
  for (double k = std::floor(last.time_s / end.eval_every) + 1; k * end.eval_every <= end.budget_seconds + tolerance;
       ++k) {
    rows.push_back(last);
    rows.back().time_s = std::min(k * end.eval_every, end.budget_seconds);
  }
}

RunValues load_run(const fs::path& dir) {
  RunValues v;
  v.rows = read_metrics_csv((dir / "metrics.csv").string());
  const RunEnd end = read_run_end(dir);
  if (end.diverged && !v.rows.empty()) {
    v.diverged_at_s = v.rows.back().time_s;
    pad_diverged_run(v.rows, end);
  }
  RunResult r;
  r.rows = v.rows;
  for (Metric m : kMetrics) {
    v.value(Over::kRun, m) = run_mean(r, m);
    v.value(Over::kFinal, m) = value_of(r.final_row(), m);
  }
  double& final_train = v.value(Over::kFinal, Metric::kTrainLoss);
  if (!std::isfinite(final_train)) final_train = last_finite_train_loss(v.rows);
  return v;
}

Summaries mode_summaries(const ModeRuns& runs) {
  Summaries out;
  for (Over o : kOvers)
    for (Metric m : kMetrics) {
      std::vector<double> v;
      for (const auto& [seed, r] : runs) v.push_back(r.value(o, m));
      out(o, m) = stats::summarize(v);
    }
  return out;
}

// Per seed, hybrid's value minus the other mode's.
Summaries paired_differences(const ModeRuns& hybrid, const ModeRuns& other, const std::vector<uint64_t>& seeds) {
  Summaries out;
  for (Over o : kOvers)
    for (Metric m : kMetrics) {
      std::vector<double> d;
      for (uint64_t seed : seeds) d.push_back(hybrid.at(seed).value(o, m) - other.at(seed).value(o, m));
      out(o, m) = stats::summarize(d);
    }
  return out;
}

CellResult load_cell(const Suite& suite, const fs::path& root, const RunFolders& folders, const std::string& key) {
  CellResult c;
  for (const auto& mode : suite.modes)
    for (uint64_t seed : suite.seeds) c.modes[mode][seed] = load_run(root / folders.of(key, mode, seed));
  for (const auto& mode : suite.modes) c.mode_stats[mode] = mode_summaries(c.modes.at(mode));
  if (!c.has("hybrid")) return c;
  for (const std::string other : {"async", "sync"})
    if (c.has(other)) c.diff[other] = paired_differences(c.modes.at("hybrid"), c.modes.at(other), suite.seeds);
  return c;
}

}  // namespace

const MetricInfo& info(Metric m) { return kInfo[static_cast<size_t>(m)]; }

const char* name_of(Over o) { return o == Over::kRun ? "run" : "final"; }

double value_of(const MetricsRow& row, Metric m) {
  switch (m) {
    case Metric::kTestAccuracy: return 100 * row.test_accuracy;
    case Metric::kTestLoss: return row.test_loss;
    case Metric::kTrainLoss: return row.train_loss;
  }
  return NAN;
}

CellResults load_cells(const Suite& suite, const fs::path& root) {
  CellResults cells;
  const RunFolders folders(plan_runs(suite));
  for (const auto& table : suite.tables)
    for (const auto& cell : table.cells)
      if (!cells.count(cell.key)) cells[cell.key] = load_cell(suite, root, folders, cell.key);
  return cells;
}

bool has_paper_difference(const SuiteTable& table, Metric m) { return table.paper.count(info(m).name) > 0; }

double paper_difference(const SuiteTable& table, size_t cell, Metric m) {
  const auto it = table.paper.find(info(m).name);
  return it == table.paper.end() ? NAN : it->second[cell];
}

}  // namespace hsgd::report
