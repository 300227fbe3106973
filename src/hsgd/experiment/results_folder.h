// results_folder.h: the one owner of a results folder's format, the folder
// `hsgd experiment` writes, `hsgd compare` writes too, and `hsgd report`
// reads:
//
//   suite.toml        the suite as it was read (compare: its runs as a one-cell suite)
//   experiment.json   the record: every invocation's timing (real time, runs
//                     run, jobs, machine), what --set and --seeds changed,
//                     and for compare the command that repeats it
//   runs/<cell>/<mode>-seed<N>/   one run (run_dir, suite.h): request.toml
//                     (what `hsgd train --config` ran), config.toml,
//                     metrics.csv, summary.json, log.txt
//
// The runner, compare and the report name these files and read or write the
// record only through here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hsgd/experiment/suite.h"

namespace hsgd {

constexpr const char* kSuiteFile = "suite.toml";
constexpr const char* kExperimentRecordFile = "experiment.json";
constexpr const char* kRequestFile = "request.toml";
// experiment.json is read only when at most this large.
constexpr size_t kMaxExperimentFileBytes = size_t{1} << 20;

// ---------------------------------------------------------------- writing

// Writes `text` to `path`; throws Error when it cannot.
void write_results_text(const std::filesystem::path& path, const std::string& text);

// root/suite.toml.
void write_suite_file(const std::filesystem::path& root, const std::string& suite_text);

// Each planned run's request.toml in its folder (the folders exist).
void write_requests(const Suite& suite, const std::filesystem::path& root);

// One invocation of the suite runner, as experiment.json records it.
struct RunnerInvocation {
  double real_seconds = 0;
  int runs_total = 0, runs_run = 0, already_done = 0, failed = 0, diverged = 0;
  int jobs = 1, threads_per_run = 1;
  bool interrupted = false;
};
// Adds the invocation to root/experiment.json (created if need be; an
// unreadable one is started afresh), with the suite's name and origin and
// the real time of every invocation so far.
void record_invocation(const std::filesystem::path& root, const Suite& suite, const RunnerInvocation& invocation);

// Records what --set and --seeds changed in root/experiment.json (written
// by record_invocation before), so that `hsgd report` reads the suite as run.
void record_overrides(const std::filesystem::path& root, const std::vector<std::string>& set,
                      const std::vector<uint64_t>& seeds);

// hsgd compare's experiment.json: its seeds, runs and real time, and the
// command that repeats it (`shown_dir`: the folder as the user named it).
void write_compare_record(const std::filesystem::path& root, const std::string& shown_dir,
                          const std::vector<uint64_t>& seeds, int runs, double real_seconds);

// ---------------------------------------------------------------- reading

// The suite of a results folder as it was run: suite.toml with the --set and
// --seeds of experiment.json, and its origin ("built-in" when the record
// says so and the text is still the built-in one). Throws DataError naming
// the file when suite.toml is missing or either file is bad.
Suite read_results_suite(const std::filesystem::path& root);

// The timing of experiment.json for the report: the suite's real time (<0:
// unknown), the most runs at a time of the invocations that ran any, the
// machines, and compare's own command. Whatever is missing or unreadable
// stays unknown: the report goes on without it.
struct RecordedTiming {
  double real_seconds = -1;
  int jobs = 0;
  std::string machine;    // "A and B" when invocations ran on several
  std::string reproduce;  // hsgd compare's command that repeats the runs
};
RecordedTiming read_recorded_timing(const std::filesystem::path& root);

// The status in a run folder's summary.json ("finished", "diverged", ...;
// "unreadable" when it cannot be read; runs of hsgd before run statuses
// existed were renamed only when finished, so no status reads "finished").
std::string read_run_status(const std::filesystem::path& run);

}  // namespace hsgd
