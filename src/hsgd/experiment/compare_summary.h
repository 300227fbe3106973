// compare_summary.h: what `hsgd compare` prints and saves about its runs,
// computed by the report's own code (report_data.h: the same runs read from
// the same metrics.csv files, the same statistics, report_format.h: the same
// text), so every number it prints is one `hsgd report` writes into
// tables.csv, modes.csv and REPORT.md for the same folder:
//   - per mode, the run-averaged and final test accuracy: mean over seeds [95% CI];
//   - hybrid - async and hybrid - sync of the test accuracy, averaged over the
//     run and final: mean of the per-seed differences [95% CI], paired t-test p;
//     "n/a" where there are fewer than 2 seeds;
//   - a one-line verdict on the run-averaged test accuracy (the paper's measure),
//     which with a reference (a published hybrid - async, e.g. the paper's)
//     also says whether hybrid - async's 95% CI excludes it;
//   - with `check_throughput` (real-time runtimes), a line on the throughput
//     checks of throughput_check.h and a warning per check over the share.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hsgd/experiment/suite.h"

namespace hsgd {

struct CompareSummary {
  std::string text;     // the lines to print, each ending in '\n'
  std::string verdict;  // the verdict line, without "verdict: "
  std::vector<std::string> warnings;
  nlohmann::json json;  // the statistics, verdict, warnings and throughput checks, for compare.json
};

// Reads the runs of the suite's one cell under `root` (runs/base/<mode>-seed<N>/)
// and summarises them. `reference`: a published hybrid - async of the
// run-averaged test accuracy, in points (hsgd compare --reference-difference).
// Throws DataError naming a missing or broken metrics file.
CompareSummary summarize_compare(const Suite& suite, const std::filesystem::path& root, bool check_throughput,
                                 std::optional<double> reference = std::nullopt);

}  // namespace hsgd
