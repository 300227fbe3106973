// suite.h: an experiment suite: the runs of a grid and the tables a report
// makes of them, read from TOML (built-in suites live in suites/*.toml and are
// compiled into the program; a user passes the path of their own file).
//
//   name = "paper-mnist"
//   description = "..."
//   seeds = 5                    # seeds 1..5, or a list: [1, 7, 9]
//   modes = ["sync", "async", "hybrid"]
//   [options]                    # `hsgd train` options shared by every run
//   runtime = "sim"
//   data = "mnist"               # "{seed}" in a value becomes the run's seed
//   [[table]]                    # a table of the report: one column per cell
//   name = "Table 1: MNIST"
//   vary = ["schedule", "batch-size"]     # the grid's axes, in this order
//   labels = ["(300,32)", ...]            # optional, one per cell
//   options = { lr = 0.01 }               # optional, for every cell of the table
//   [table.grid]
//   schedule = ["step:S=300", "step:S=500"]
//   batch-size = [32, 64]
//   [table.paper]                         # optional: the paper's numbers per cell
//   test_accuracy = [1.374, -0.516, 1.366, 1.291]   # hybrid - async, points
//   test_loss = [...]
//   train_loss = [...]
//   final_test_accuracy = [[86, 90, 91.5], ...]      # sync, async, hybrid (%)
//
// The cells of a table are the grid's Cartesian product, the first axis
// varying slowest. A run is (cell options, mode, seed); identical runs of
// different tables are run once.
//
// Names become paths, so they are checked: the suite's name (results/<name>)
// is 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit; a cell's
// folder name (runs/<key>, its options with other characters as '-') is at
// most kMaxCellKeyBytes, and two cells of different options may not share one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hsgd {

// One `hsgd train` option: its name and its value as TOML text ("\"sim\"", "32").
struct SuiteOption {
  std::string name;
  std::string toml;  // the value as TOML: strings quoted
  std::string text;  // the value as a person reads it: "sim", "32"
};
using SuiteOptions = std::vector<SuiteOption>;

struct SuiteCell {
  std::string label;     // "(300,32)" or "schedule=step:S=300, batch-size=32"
  SuiteOptions options;  // the table's options, then the grid's values
  std::string key;       // folder name: the options that differ from the suite's
};

struct SuiteTable {
  std::string name;
  std::vector<std::string> vary;  // the grid's axes
  std::vector<SuiteCell> cells;
  // The paper's hybrid - async per cell, by metric (test_accuracy in points,
  // test_loss, train_loss); empty when the suite gives none.
  std::map<std::string, std::vector<double>> paper;
  // The paper's final test accuracy (%) per cell: sync, async, hybrid; may be empty.
  std::vector<std::vector<double>> paper_final_accuracy;
};

struct Suite {
  std::string name;
  std::string description;
  std::string origin;  // "built-in" or the file's path
  std::string text;    // the TOML it was read from
  std::vector<uint64_t> seeds;
  std::vector<std::string> modes;
  SuiteOptions options;
  std::vector<SuiteTable> tables;
};

constexpr size_t kMaxSuiteFileBytes = size_t{1} << 20;  // a suite file, or a results folder's suite.toml
constexpr size_t kMaxCellKeyBytes = 200;

// Parses a suite; throws ConfigError naming `origin`, the line and what is wrong.
// `overrides` ("name=value", from --set) replace or add suite options.
Suite parse_suite(const std::string& toml_text, const std::string& origin,
                  const std::vector<std::string>& overrides = {});

// A built-in suite by name, or a suite file by path (a regular file of at
// most kMaxSuiteFileBytes, else a DataError naming it).
Suite load_suite(const std::string& name_or_path, const std::vector<std::string>& overrides = {});

// The built-in suites: name and TOML text (generated from suites/*.toml).
const std::vector<std::pair<std::string, std::string>>& builtin_suites();

// A run of the suite: one cell in one mode with one seed.
struct SuiteRun {
  std::string cell_key;
  std::string mode;
  uint64_t seed = 0;
  std::string dir;       // relative to the results folder: runs/<cell_key>/<mode>-seed<seed>
  std::string request;   // the TOML handed to `hsgd train --config`
};

// Every distinct run of the suite, in table, cell, seed, mode order.
std::vector<SuiteRun> plan_runs(const Suite& suite);

// The run folder (relative) of a cell, mode and seed.
std::string run_dir(const std::string& cell_key, const std::string& mode, uint64_t seed);

}  // namespace hsgd
