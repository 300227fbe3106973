// suite.h: an experiment suite: the runs of a grid and the tables a report
// makes of them, read from TOML (built-in suites live in suites/*.toml and are
// compiled into the program; a user passes the path of their own file).
//
//   name = "paper-mnist"
//   description = "..."
//   seeds = 5                    # seeds 1..5, or a list: [1, 7, 9]
//   modes = ["sync", "async", "hybrid"]
//   diverged = "fail"            # or "result": a run that diverges is a result
//                                # (the report counts it as diverged), not a failure
//   [options]                    # `hsgd train` options shared by every run
//   runtime = "sim"
//   data = "mnist"               # "{seed}" in a value becomes the run's seed
//   [[table]]                    # a table of the report: one column per cell
//   name = "Table 1: MNIST"
//   vary = ["schedule", "batch-size"]     # the grid's axes, in this order
//   labels = ["(300,32)", ...]            # optional, one per cell
//   options = { lr = 0.01 }               # optional, for every cell of the table
//   combine = "product"                   # or "zip": cell i takes every axis's i-th value
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
// varying slowest (or, with combine = "zip", the axes' values side by side). A run is (mode, seed, the cell's options less those the
// mode ignores: sync and async read no `schedule` or `wait`), and equal runs
// are run once: the first cell that needs a run owns its folder,
// runs/<cell>/<mode>-seed<N>, and the other cells it serves (other tables'
// equal cells, or cells differing only in options the mode ignores) read it
// from there (RunFolders). Results folders made before runs were shared hold
// every cell's own folder, so the owner's is there too and holds an equal run
// (its request.toml has the ignored options as well: the runner counts it as
// done, see SuiteRun); the report reads them as they are, and the other
// cells' folders of those runs are just not read.
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
  // A run that diverges (exit 5) is kept as a result when true, and stops the
  // suite as a failure when false (the default: usually a mistake in its options).
  bool diverged_runs_are_results = false;
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

// A run of the suite: a mode, a seed and options, serving one cell or more.
struct SuiteRun {
  std::string cell_key;  // the first cell that needs it: its folder holds the run
  std::string mode;
  uint64_t seed = 0;
  std::string dir;       // relative to the results folder: runs/<cell_key>/<mode>-seed<seed>
  std::string request;   // the TOML handed to `hsgd train --config`
  // The request as written before runs were shared: also the options the mode
  // ignores. A finished run holding it computed the same, so it counts as done.
  std::string request_with_ignored_options;
  std::vector<std::string> cells;  // the keys of every cell it serves, cell_key first
};

// Every distinct run of the suite, in table, cell, seed, mode order (of the
// first cell that needs each).
std::vector<SuiteRun> plan_runs(const Suite& suite);

// The run folder (relative) of a cell, mode and seed: its own, as if nothing were shared.
std::string run_dir(const std::string& cell_key, const std::string& mode, uint64_t seed);

// Where the runs of the cells are: for a cell, mode and seed, the folder of
// the run that serves it (its own run_dir, or the owning cell's).
class RunFolders {
 public:
  explicit RunFolders(const std::vector<SuiteRun>& runs);
  // Throws Error when no planned run serves that cell, mode and seed.
  const std::string& of(const std::string& cell_key, const std::string& mode, uint64_t seed) const;

 private:
  std::map<std::string, std::string> by_own_dir_;  // run_dir(cell, mode, seed) -> the folder that holds it
};

}  // namespace hsgd
