// report.h: turns a finished suite's results folder into tables, curves,
// figures and REPORT.md. Everything is computed from the runs' metrics.csv
// files, so `hsgd report DIR` rebuilds it at any time.
//
// Per cell of every table, over the suite's seeds (a seed gives sync, async
// and hybrid the same initial weights, shards and delays, so differences are
// paired by seed):
//   - hybrid - async and hybrid - sync of test accuracy (points), test loss
//     and train loss, each averaged over the run's evaluation points (the
//     paper's tables) and at the end: mean, 95% CI, paired t-test p-value;
//   - per mode: run-averaged and final values, mean and 95% CI.
// Files written into the results folder:
//   tables.csv    the differences, with the paper's value and the verdicts
//   modes.csv     the per-mode values
//   curves/<cell>-<mode>.csv   mean and 95% band over seeds at each evaluation time
//   curves/<cell>-hybrid-minus-<mode>.csv   the paired difference over time, its 95% band
//   figures/<cell>.png|svg     test accuracy and test loss against time
//   figures/<cell>-differences.png|svg   hybrid - async and hybrid - sync against time
//   figures/<table>-k-staleness.png|svg   K(t) and mean staleness of hybrid
//   REPORT.md
// The code is split by output: report_data.{h,cc} (runs and statistics),
// report_tables.cc, report_figures.cc, report_differences.cc and report_markdown.cc
// (report_writers.h declares them); report.cc puts them together.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "hsgd/experiment/suite.h"

namespace hsgd {

struct ReportOptions {
  std::string results_dir;
  std::string shown_dir;     // the folder REPORT.md names (compare: OUT while it writes OUT.partial); empty: results_dir
  bool figures = true;       // run gnuplot
  double real_seconds = -1;  // the suite's real time, for the report; <0 = read experiment.json
  std::FILE* log = stderr;
};

struct ReportOutcome {
  std::string report_path;
  int figures = 0;                    // image files written
  std::vector<std::string> warnings;  // e.g. gnuplot missing
};

// Throws DataError naming the run folder when a run's metrics are missing or broken.
ReportOutcome build_report(const Suite& suite, const ReportOptions& options);

}  // namespace hsgd
