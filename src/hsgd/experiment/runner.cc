// runner.cc: see runner.h.
#include "hsgd/experiment/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/exit_status.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stop_signals.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/experiment/results_folder.h"

extern char** environ;

namespace hsgd {
namespace fs = std::filesystem;
namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether a run that ended with `status` is a result of the suite: a
// finished one always, a diverged one when the suite says so.
bool is_result(const std::string& status, const Suite& suite) {
  return status == "finished" || (status == "diverged" && suite.diverged_runs_are_results);
}

// Whether `dir` holds this run, done: its request as planned, or as written
// before runs were shared (with the options the mode ignores).
bool done(const fs::path& dir, const SuiteRun& run, const Suite& suite) {
  if (!fs::is_regular_file(dir / "metrics.csv") || !fs::is_regular_file(dir / "summary.json") ||
      !fs::is_regular_file(dir / kRequestFile))
    return false;
  const std::string found = read_text(dir / kRequestFile);
  return (found == run.request || found == run.request_with_ignored_options) && is_result(read_run_status(dir), suite);
}

// Moves the runner's files of a run (request.toml, log.txt) from its staging
// folder into `to`, and removes the staging folder.
void move_staged_files(const fs::path& stage, const fs::path& to) {
  fs::create_directories(to);
  for (const char* f : {kRequestFile, "log.txt"})
    if (fs::exists(stage / f)) fs::rename(stage / f, to / f);
  fs::remove_all(stage);
}

// A run in progress: `hsgd train` writes final_dir.partial/ and renames it
// to final_dir/ when it ends; the runner's request.toml and the child's
// log.txt wait in the staging folder final_dir.run/ until then.
struct Running {
  const SuiteRun* run;
  fs::path stage, final_dir;
  Stopwatch clock;
  bool stopped = false;  // we sent it SIGTERM: its result may be cut short, so it is redone
};

fs::path partial_of(const fs::path& dir) { return dir.string() + ".partial"; }
fs::path stage_of(const fs::path& dir) { return dir.string() + ".run"; }

pid_t spawn_run(const std::string& program, const Running& r, int threads) {
  const std::string config = (r.stage / kRequestFile).string();
  const std::string out = r.final_dir.string();
  const std::string log = (r.stage / "log.txt").string();
  std::vector<std::string> args = {program, "train", "--config", config, "--out", out};
  if (threads > 0) args.insert(args.end(), {"--threads", std::to_string(threads)});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start " + program + ": " + std::strerror(rc));
  return pid;
}

std::string last_lines(const fs::path& log, int n) {
  std::vector<std::string> lines;
  std::ifstream in(log);
  for (std::string l; std::getline(in, l);) {
    const auto cr = l.rfind('\r');  // progress lines redrawn in place
    lines.push_back(cr == std::string::npos ? l : l.substr(cr + 1));
  }
  std::string out;
  for (size_t i = lines.size() > static_cast<size_t>(n) ? lines.size() - n : 0; i < lines.size(); ++i)
    out += "    " + lines[i] + "\n";
  return out;
}


// ---------------------------------------------------------------- step 1: what is left to run

// The runs not done yet, in plan order. Clears what an interrupted
// invocation left (.partial/, .run/) and a folder holding another run;
// counts the runs already done.
std::vector<const SuiteRun*> runs_to_do(const Suite& suite, const std::vector<SuiteRun>& runs, const fs::path& root,
                                        RunnerOutcome& outcome, std::FILE* log) {
  std::vector<const SuiteRun*> pending;
  for (const SuiteRun& run : runs) {
    const fs::path dir = root / run.dir;
    fs::remove_all(partial_of(dir));  // an interrupted run: redo it
    fs::remove_all(stage_of(dir));
    if (done(dir, run, suite)) {
      ++outcome.already_done;
      continue;
    }
    if (fs::exists(dir)) {
      std::fprintf(log, "hsgd experiment: %s holds a different or unfinished run; redoing it\n", run.dir.c_str());
      fs::remove_all(dir);
    }
    pending.push_back(&run);
  }
  return pending;
}

// ---------------------------------------------------------------- step 2: run them, opt.jobs at a time

class Launcher {
 public:
  Launcher(const Suite& suite, const fs::path& root, const RunnerOptions& opt,
           const std::vector<const SuiteRun*>& pending, RunnerOutcome& outcome)
      : suite_(suite), root_(root), opt_(opt), pending_(pending), outcome_(outcome), progress_(opt.log, 30.0) {}

  // Until every run has ended, or a failure or a signal stopped the launching
  // and the running ones have ended.
  void run() {
    while (true) {
      if (StopSignals::received() != 0 && !stop_launching_) stop_all(StopSignals::received());
      launch_while_room();
      if (running_.empty()) break;
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        show_progress();
        continue;
      }
      reap(pid, status);
    }
    progress_.finish();
  }

  double seconds() const { return clock_.seconds(); }

 private:
  // SIGINT or SIGTERM: no more launches; the running runs are stopped and redone next time.
  void stop_all(int signal) {
    stop_launching_ = true;
    outcome_.interrupted = true;
    progress_.finish();
    std::fprintf(opt_.log, "hsgd experiment: stopping (signal %d); running runs are stopped and redone next time\n",
                 signal);
    for (auto& [pid, r] : running_) {
      r.stopped = true;
      kill(pid, SIGTERM);
    }
  }

  void launch_while_room() {
    while (!stop_launching_ && next_ < pending_.size() && static_cast<int>(running_.size()) < opt_.jobs) {
      const SuiteRun* run = pending_[next_++];
      Running r{run, stage_of(root_ / run->dir), root_ / run->dir, Stopwatch(), false};
      fs::create_directories(r.stage);
      write_results_text(r.stage / kRequestFile, run->request);
      // Threads go on the command line, not into the request: they change how
      // fast a run goes, not what it computes, and a run finished with other
      // --jobs must still count as done.
      const bool suite_sets_threads = run->request.find("\nthreads = ") != std::string::npos;
      running_.emplace(spawn_run(opt_.program, r, suite_sets_threads ? 0 : opt_.threads_per_run), std::move(r));
    }
  }

  // The expected run time of a run of `mode`: the mean so far of its mode,
  // else of every mode, else a minute.
  double estimate(const std::string& mode) const {
    auto it = seconds_by_mode_.find(mode);
    if (it != seconds_by_mode_.end()) return it->second.first / it->second.second;
    double sum = 0;
    int n = 0;
    for (const auto& [m, v] : seconds_by_mode_) sum += v.first, n += v.second;
    return n ? sum / n : 60.0;
  }

  // The progress line: the fraction of this invocation's work done, in
  // run-seconds (measured per mode so far).
  void show_progress() {
    double remaining = 0, done = done_seconds_;
    for (size_t i = next_; i < pending_.size(); ++i) remaining += estimate(pending_[i]->mode);
    for (const auto& [p, r] : running_) {
      const double est = estimate(r.run->mode), ran = std::min(r.clock.seconds(), est);
      done += ran;
      remaining += est - ran;
    }
    const double fraction = done / std::max(1e-9, done + remaining);
    char detail[160];
    std::snprintf(detail, sizeof detail, "%d/%d runs done, %zu running", outcome_.already_done + outcome_.ran,
                  outcome_.total, running_.size());
    progress_.update(seconds_by_mode_.empty() ? 0 : fraction, clock_.seconds(), detail);
  }

  // A child ended: its run is a result, was stopped, or failed.
  void reap(pid_t pid, int status) {
    auto it = running_.find(pid);
    if (it == running_.end()) return;
    Running r = std::move(it->second);
    running_.erase(it);
    // Ctrl-C reaches the children too (one process group): a child killed by
    // SIGINT or SIGTERM was interrupted, not failed, and is redone next time.
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) r.stopped = true;
    const double seconds = r.clock.seconds();
    const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const bool ok = !r.stopped && run_ended_with_result(exit_status) &&
                    fs::is_regular_file(r.final_dir / "metrics.csv") && is_result(read_run_status(r.final_dir), suite_);
    progress_.finish();
    if (ok)
      keep_result(r, seconds, exit_status == kExitDiverged);
    else if (r.stopped)
      for (const fs::path& p : {r.final_dir, partial_of(r.final_dir), r.stage}) fs::remove_all(p);
    else
      keep_failure(r, status);
  }

  void keep_result(const Running& r, double seconds, bool diverged) {
    move_staged_files(r.stage, r.final_dir);
    ++outcome_.ran;
    auto& m = seconds_by_mode_[r.run->mode];
    m.first += seconds;
    m.second += 1;
    done_seconds_ += seconds;
    outcome_.diverged += diverged ? 1 : 0;
    std::fprintf(opt_.log, "  done %d/%d  %s  (%.1fs)%s\n", outcome_.already_done + outcome_.ran, outcome_.total,
                 r.run->dir.c_str(), seconds, diverged ? "  diverged: kept as a result" : "");
  }

  // What the run left (an ended run's folder, or a crashed one's .partial)
  // is kept as .failed/, with the runner's request and the log; no more
  // runs start (the same mistake would fail the rest), the running ones finish.
  void keep_failure(const Running& r, int status) {
    const fs::path failed = r.final_dir.string() + ".failed";
    fs::remove_all(failed);
    for (const fs::path& left : {r.final_dir, partial_of(r.final_dir)})
      if (fs::exists(left) && !fs::exists(failed)) fs::rename(left, failed);
    move_staged_files(r.stage, failed);
    std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    if (fs::is_regular_file(failed / "summary.json")) why += ", " + read_run_status(failed);
    outcome_.failed.push_back(r.run->dir + ": " + why + " (log: " + (failed / "log.txt").string() + ")");
    std::fprintf(opt_.log, "  FAILED %s: %s; its log ends:\n%s", r.run->dir.c_str(), why.c_str(),
                 last_lines(failed / "log.txt", 5).c_str());
    stop_launching_ = true;
  }

  const Suite& suite_;
  const fs::path root_;
  const RunnerOptions& opt_;
  const std::vector<const SuiteRun*>& pending_;
  RunnerOutcome& outcome_;
  Stopwatch clock_;
  ProgressLine progress_;
  std::map<pid_t, Running> running_;
  std::map<std::string, std::pair<double, int>> seconds_by_mode_;  // for the ETA: total seconds, runs
  size_t next_ = 0;                                                 // the next of pending_ to launch
  double done_seconds_ = 0;
  bool stop_launching_ = false;
};

}  // namespace

RunnerOutcome run_suite(const Suite& suite, const std::vector<SuiteRun>& runs, const RunnerOptions& opt) {
  HSGD_CHECK(opt.jobs >= 1, "jobs ", opt.jobs);
  const fs::path root(opt.results_dir);
  fs::create_directories(root);
  write_suite_file(root, suite.text);

  RunnerOutcome outcome;
  outcome.total = static_cast<int>(runs.size());
  const std::vector<const SuiteRun*> pending = runs_to_do(suite, runs, root, outcome, opt.log);
  std::fprintf(opt.log, "hsgd experiment %s: %d runs, %d already done, %zu to run, %d at a time, results in %s\n",
               suite.name.c_str(), outcome.total, outcome.already_done, pending.size(), opt.jobs,
               opt.results_dir.c_str());
  {
    const StopSignals signals(StopSignals::Second::kNoted);  // a second Ctrl-C, too, waits for the children
    Launcher launcher(suite, root, opt, pending, outcome);
    launcher.run();
    outcome.seconds = launcher.seconds();
  }

  // experiment.json: every invocation's timing, so the real time of a resumed suite adds up.
  RunnerInvocation invocation;
  invocation.real_seconds = outcome.seconds;
  invocation.runs_total = outcome.total;
  invocation.runs_run = outcome.ran;
  invocation.already_done = outcome.already_done;
  invocation.failed = static_cast<int>(outcome.failed.size());
  invocation.diverged = outcome.diverged;
  invocation.jobs = opt.jobs;
  invocation.threads_per_run = opt.threads_per_run;
  invocation.interrupted = outcome.interrupted;
  record_invocation(root, suite, invocation);
  return outcome;
}

}  // namespace hsgd
