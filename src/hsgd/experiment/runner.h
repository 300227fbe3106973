// runner.h: runs a suite's runs as `hsgd train` child processes, several at a
// time. Each child writes <dir>.partial/ and renames it to <dir>/ when its run
// ends (src/hsgd/runtime/run_folder.h); the runner keeps the run's
// request.toml and the child's log.txt in <dir>.run/ meanwhile and moves them
// in once the run has finished. Started again, the runner skips every run
// whose folder holds the same request.toml (or the one written before runs
// were shared, see SuiteRun) and a finished summary.json, and redoes the
// others, so an interrupted suite resumes where it stopped. A run that fails
// is kept as <dir>.failed/ with its log, and so is one that diverges unless
// the suite keeps diverged runs as results (Suite::diverged_runs_are_results).
//
// `runs` are the distinct runs of plan_runs: a run that serves several cells
// is run once, in its owner's folder, and the counts and the ETA are of runs.
//
// Results folder:
//   suite.toml                 the suite as it was read
//   experiment.json            timings of every invocation of the runner
//   runs/<cell>/<mode>-seed<N>/request.toml, config.toml, metrics.csv,
//                              summary.json, log.txt   (only the owning cell's
//                              folder of a shared run: RunFolders finds it)
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "hsgd/experiment/suite.h"

namespace hsgd {

struct RunnerOptions {
  std::string program;      // the hsgd binary the children run
  std::string results_dir;
  int jobs = 1;             // runs at a time
  int threads_per_run = 1;  // compute threads of a run (--threads) when the suite sets none
  std::FILE* log = stderr;
};

struct RunnerOutcome {
  int total = 0;
  int already_done = 0;  // finished by an earlier invocation
  int ran = 0;           // finished now
  int diverged = 0;      // of those, how many diverged (kept as results)
  std::vector<std::string> failed;  // "<dir>: exit status N (log: ...)"
  bool interrupted = false;         // SIGINT or SIGTERM stopped it
  double seconds = 0;
};

RunnerOutcome run_suite(const Suite& suite, const std::vector<SuiteRun>& runs, const RunnerOptions& options);

}  // namespace hsgd
