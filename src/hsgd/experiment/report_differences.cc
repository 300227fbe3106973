// report_differences.cc: the claim itself over time. Per cell, hybrid minus
// async and hybrid minus sync of test accuracy and test loss at each time of a
// common grid, per seed (the modes of a seed share weights, shards and delays,
// so the difference is paired), then the mean and 95% band over seeds:
// curves/<cell>-hybrid-minus-<mode>.csv and figures/<cell>-differences.png|svg,
// drawn around a zero line on an axis of its own (a few points, not 0-100%).
#include <algorithm>
#include <cmath>
#include <fstream>

#include "hsgd/experiment/report_gnuplot.h"
#include "hsgd/experiment/report_writers.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd::report {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kDifferenceColumns = {
    "time_s", "n", "test_accuracy_mean", "test_accuracy_low", "test_accuracy_high",
    "test_loss_mean", "test_loss_low", "test_loss_high"};

// A metric at time t, linear between the evaluations around it (rows in time order, t within them).
double value_at(const std::vector<MetricsRow>& rows, double t, Metric m) {
  const auto after = std::lower_bound(rows.begin(), rows.end(), t,
                                      [](const MetricsRow& r, double time) { return r.time_s < time; });
  if (after == rows.end()) return value_of(rows.back(), m);
  if (after == rows.begin() || after->time_s == t) return value_of(*after, m);
  const MetricsRow& before = *(after - 1);
  const double w = (t - before.time_s) / (after->time_s - before.time_s);
  return (1 - w) * value_of(before, m) + w * value_of(*after, m);
}

// The times every run of both modes covers: the first seed's hybrid evaluation times within all runs' spans.
std::vector<double> common_grid(const ModeRuns& hybrid, const ModeRuns& other) {
  double first = -INFINITY, last = INFINITY;
  for (const ModeRuns* runs : {&hybrid, &other})
    for (const auto& [seed, r] : *runs) {
      if (r.rows.empty()) return {};
      first = std::max(first, r.rows.front().time_s);
      last = std::min(last, r.rows.back().time_s);
    }
  std::vector<double> grid;
  for (const auto& row : hybrid.begin()->second.rows)
    if (row.time_s >= first && row.time_s <= last) grid.push_back(row.time_s);
  return grid;
}

// Mean and 95% band over seeds of hybrid minus other at time t.
stats::Summary paired_at(const ModeRuns& hybrid, const ModeRuns& other, double t, Metric m) {
  std::vector<double> d;
  for (const auto& [seed, h] : hybrid) {
    const auto o = other.find(seed);
    if (o != other.end()) d.push_back(value_at(h.rows, t, m) - value_at(o->second.rows, t, m));
  }
  return stats::summarize(d);
}

void write_difference_curve(const ModeRuns& hybrid, const ModeRuns& other, const fs::path& path) {
  CsvWriter csv(path.string(), kDifferenceColumns);
  for (double t : common_grid(hybrid, other)) {
    const stats::Summary a = paired_at(hybrid, other, t, Metric::kTestAccuracy);
    const stats::Summary l = paired_at(hybrid, other, t, Metric::kTestLoss);
    csv.row({CsvWriter::num(t), CsvWriter::num(static_cast<long long>(a.n)), CsvWriter::num(a.mean),
             CsvWriter::num(a.ci95_low), CsvWriter::num(a.ci95_high), CsvWriter::num(l.mean),
             CsvWriter::num(l.ci95_low), CsvWriter::num(l.ci95_high)});
  }
}

// One panel: hybrid - other of the test accuracy, its band, and the zero line.
std::string difference_panel(const std::string& key, const std::string& other) {
  const std::string file = gp_quote("curves/" + key + "-hybrid-minus-" + other + ".csv");
  return "set ylabel " + gp_quote("hybrid - " + other + ", test accuracy (points)") + "\nplot " + file +
         " every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder "
         "title '95% CI (paired by seed)', " + file +
         " every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title " +
         gp_quote("hybrid - " + other + ", mean of seeds") + ", 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'\n";
}

}  // namespace

std::string difference_figure_stem(const std::string& cell_key) { return cell_key + "-differences"; }

std::vector<std::string> write_difference_curves(const CellResult& cell, const std::string& key, const fs::path& root) {
  std::vector<std::string> written;
  for (const std::string other : {"async", "sync"}) {
    if (!cell.compares_with(other)) continue;
    write_difference_curve(cell.modes.at("hybrid"), cell.modes.at(other),
                           root / "curves" / (key + "-hybrid-minus-" + other + ".csv"));
    written.push_back(other);
  }
  return written;
}

std::string write_difference_script(const std::string& key, const std::string& title,
                                    const std::vector<std::string>& others, const std::string& time_label,
                                    const fs::path& root) {
  std::string body = "set datafile separator ','\nset grid\nset key top left\nset xlabel " + gp_quote(time_label) +
                     "\nset multiplot layout 1," + std::to_string(others.size()) + " title " +
                     gp_quote(title + ": hybrid minus each mode (band: paired 95% CI over seeds)") + "\n";
  for (const auto& other : others) body += difference_panel(key, other);
  const std::string stem = difference_figure_stem(key);
  const std::string name = "figures/" + stem + ".gp";
  std::ofstream(root / name) << terminal_block("figures/" + stem, std::to_string(600 * others.size()) + ",450", body);
  return name;
}

}  // namespace hsgd::report
