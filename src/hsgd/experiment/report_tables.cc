// report_tables.cc: tables.csv (hybrid - async and hybrid - sync per cell,
// metric and over, with the paper's value and the verdicts) and modes.csv
// (each mode's values per cell), one row per statistic.
#include <cmath>

#include "hsgd/experiment/report_writers.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd::report {
namespace {

// n, mean, stddev and the 95% CI of a summary, as CSV fields.
std::vector<std::string> summary_fields(const stats::Summary& s) {
  return {CsvWriter::num(static_cast<long long>(s.n)), CsvWriter::num(s.mean), CsvWriter::num(s.stddev),
          CsvWriter::num(s.ci95_low), CsvWriter::num(s.ci95_high)};
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The paper gives hybrid - async averaged over the run only.
double paper_value(const SuiteTable& table, size_t cell, const std::string& other, Over o, Metric m) {
  return other == "async" && o == Over::kRun ? paper_difference(table, cell, m) : NAN;
}

void write_difference_rows(CsvWriter& csv, const SuiteTable& table, size_t ci, const CellResult& c) {
  const SuiteCell& cell = table.cells[ci];
  for (const auto& [other, summaries] : c.diff)
    for (Over o : kOvers)
      for (Metric m : kMetrics) {
        const stats::Summary& s = summaries(o, m);
        const double paper = paper_value(table, ci, other, o, m);
        const bool has_paper = std::isfinite(paper);
        const bool same = has_paper && ((paper > 0) == (s.mean > 0));
        std::vector<std::string> row = joined({table.name, cell.key, cell.label, "hybrid-" + other, info(m).name,
                                               name_of(o)},
                                              summary_fields(s));
        csv.row(joined(row, {CsvWriter::num(s.p_value), has_paper ? CsvWriter::num(paper) : "",
                             has_paper ? (same ? "yes" : "no") : "", s.p_value < 0.05 ? "yes" : "no"}));
      }
}

// The paper's final accuracy of a mode, read from its figures: only for test accuracy at the end.
std::string paper_final(const SuiteTable& table, size_t cell, const std::string& mode, Over o, Metric m) {
  if (o != Over::kFinal || m != Metric::kTestAccuracy || table.paper_final_accuracy.empty()) return "";
  const size_t column = mode == "sync" ? 0 : mode == "async" ? 1 : 2;
  return CsvWriter::num(table.paper_final_accuracy[cell][column]);
}

void write_mode_rows(CsvWriter& csv, const Suite& suite, const SuiteTable& table, size_t ci, const CellResult& c) {
  const SuiteCell& cell = table.cells[ci];
  for (const auto& mode : suite.modes)
    for (Over o : kOvers)
      for (Metric m : kMetrics) {
        std::vector<std::string> row = joined({table.name, cell.key, cell.label, mode, info(m).name, name_of(o)},
                                              summary_fields(c.mode_stats.at(mode)(o, m)));
        row.push_back(paper_final(table, ci, mode, o, m));
        csv.row(row);
      }
}

}  // namespace

void write_tables_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path) {
  CsvWriter csv(path.string(), {"table", "cell", "label", "comparison", "metric", "over", "n", "mean", "stddev",
                                "ci95_low", "ci95_high", "p_value", "paper", "same_sign_as_paper", "significant"});
  for (const auto& table : suite.tables)
    for (size_t ci = 0; ci < table.cells.size(); ++ci) write_difference_rows(csv, table, ci, cells.at(table.cells[ci].key));
}

void write_modes_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path) {
  CsvWriter csv(path.string(), {"table", "cell", "label", "mode", "metric", "over", "n", "mean", "stddev", "ci95_low",
                                "ci95_high", "paper_final"});
  for (const auto& table : suite.tables)
    for (size_t ci = 0; ci < table.cells.size(); ++ci) write_mode_rows(csv, suite, table, ci, cells.at(table.cells[ci].key));
}

void write_runs_csv(const CellResults& cells, const std::filesystem::path& path) {
  std::vector<std::string> header = {"cell", "mode", "seed", "diverged"};
  for (Over o : kOvers)
    for (Metric m : kMetrics) header.push_back(std::string(name_of(o)) + "_" + info(m).name);
  CsvWriter csv(path.string(), header);
  for (const auto& [key, cell] : cells)
    for (const auto& [mode, runs] : cell.modes)
      for (const auto& [seed, run] : runs) {
        std::vector<std::string> row = {key, mode, std::to_string(seed), run.diverged() ? "1" : "0"};
        for (Over o : kOvers)
          for (Metric m : kMetrics) row.push_back(CsvWriter::num(run.value(o, m)));
        csv.row(row);
      }
}

}  // namespace hsgd::report
