// compare_files.h: the files of `hsgd compare`. Its folder is also a results
// folder of `hsgd experiment` (hsgd report OUT), whose files
// (experiment/results_folder.h) compare writes through that folder's owner:
//   suite.toml       the comparison as a one-cell suite: its seeds, modes and
//                    the options given (runs in runs/base/<mode>-seed<N>/);
//                    its text is made here, from the options given
//   experiment.json  its real time and seeds, and the command that repeats it
//                    (REPORT.md's "Reproduce"): write_compare_record
//   runs/base/<mode>-seed<N>/request.toml   what the suite runner would have run: write_requests
// and its own:
//   compare.csv      one row per run: mode, seed, status, final and run-averaged values
//   compare.json     the configuration, every run's result, and the statistics,
//                    verdict, throughput checks and warnings of compare_summary.h
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/option_table.h"
#include "hsgd/experiment/suite.h"
#include "hsgd/metrics/run_metrics.h"

namespace hsgd::cli {

// One run of the comparison.
struct CompareRun {
  Mode mode;
  uint64_t seed;
  std::string dir;  // relative to the comparison's folder: runs/base/<mode>-seed<N>
};

// runs/base/<mode>-seed<N>: where `hsgd report` looks for the run (the suite's one cell is "base").
std::string compare_run_dir(Mode mode, uint64_t seed);

// The text of suite.toml; `options` are the options given (the command line or --config).
std::string compare_suite_toml(const OptionTable& table, const TrainConfig& config, const std::vector<Mode>& modes,
                               const std::vector<uint64_t>& seeds);

void write_compare_csv(const std::string& dir, const std::vector<CompareRun>& runs,
                       const std::vector<RunResult>& results);

void write_compare_json(const std::string& dir, const TrainConfig& config, const std::vector<CompareRun>& runs,
                        const std::vector<RunResult>& results, const nlohmann::json& statistics);

}  // namespace hsgd::cli
