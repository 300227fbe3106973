// runner.cc: see runner.h.
#include "hsgd/experiment/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/machine.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/common/text_file.h"
#include "hsgd/metrics/run_metrics.h"

extern char** environ;

namespace hsgd {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_stop_signal{0};
void on_stop_signal(int sig) { g_stop_signal = sig; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out) throw Error(p.string() + ": cannot write");
}

// The status in a run's summary.json ("finished", "diverged", ...); runs of
// hsgd before run statuses existed were renamed only when finished.
std::string run_status(const fs::path& dir) {
  try {
    const std::string text =
        read_bounded_text_file((dir / "summary.json").string(), kMaxSummaryFileBytes, "a run's summary");
    return nlohmann::json::parse(text).value("status", std::string("finished"));
  } catch (const nlohmann::json::exception&) {
    return "unreadable";
  } catch (const DataError&) {
    return "unreadable";
  }
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
      !fs::is_regular_file(dir / "request.toml"))
    return false;
  const std::string found = read_text(dir / "request.toml");
  return (found == run.request || found == run.request_with_ignored_options) && is_result(run_status(dir), suite);
}

// Moves the runner's files of a run (request.toml, log.txt) from its staging
// folder into `to`, and removes the staging folder.
void move_staged_files(const fs::path& stage, const fs::path& to) {
  fs::create_directories(to);
  for (const char* f : {"request.toml", "log.txt"})
    if (fs::exists(stage / f)) fs::rename(stage / f, to / f);
  fs::remove_all(stage);
}

std::string utc_now() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
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
  const std::string config = (r.stage / "request.toml").string();
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

}  // namespace

RunnerOutcome run_suite(const Suite& suite, const std::vector<SuiteRun>& runs, const RunnerOptions& opt) {
  HSGD_CHECK(opt.jobs >= 1, "jobs ", opt.jobs);
  const fs::path root(opt.results_dir);
  fs::create_directories(root);
  write_text(root / "suite.toml", suite.text);

  RunnerOutcome outcome;
  outcome.total = static_cast<int>(runs.size());
  std::vector<const SuiteRun*> pending;
  for (size_t i = 0; i < runs.size(); ++i) {
    const fs::path dir = root / runs[i].dir;
    fs::remove_all(partial_of(dir));  // an interrupted run: redo it
    fs::remove_all(stage_of(dir));
    if (done(dir, runs[i], suite)) {
      ++outcome.already_done;
      continue;
    }
    if (fs::exists(dir)) {
      std::fprintf(opt.log, "hsgd experiment: %s holds a different or unfinished run; redoing it\n", runs[i].dir.c_str());
      fs::remove_all(dir);
    }
    pending.push_back(&runs[i]);
  }
  std::fprintf(opt.log, "hsgd experiment %s: %d runs, %d already done, %zu to run, %d at a time, results in %s\n",
               suite.name.c_str(), outcome.total, outcome.already_done, pending.size(), opt.jobs,
               opt.results_dir.c_str());

  struct sigaction sa {}, old_int {}, old_term {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  g_stop_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  Stopwatch clock;
  ProgressLine progress(opt.log, 30.0);
  std::map<pid_t, Running> running;
  std::map<std::string, std::pair<double, int>> seconds_by_mode;  // for the ETA
  size_t next = 0;
  auto estimate = [&](const std::string& mode) {
    auto it = seconds_by_mode.find(mode);
    if (it != seconds_by_mode.end()) return it->second.first / it->second.second;
    double sum = 0;
    int n = 0;
    for (const auto& [m, v] : seconds_by_mode) sum += v.first, n += v.second;
    return n ? sum / n : 60.0;
  };
  double done_seconds = 0;
  bool stop_launching = false;
  while (true) {
    if (g_stop_signal != 0 && !stop_launching) {
      stop_launching = true;
      outcome.interrupted = true;
      progress.finish();
      std::fprintf(opt.log, "hsgd experiment: stopping (signal %d); running runs are stopped and redone next time\n",
                   g_stop_signal.load());
      for (auto& [pid, r] : running) {
        r.stopped = true;
        kill(pid, SIGTERM);
      }
    }
    while (!stop_launching && next < pending.size() && static_cast<int>(running.size()) < opt.jobs) {
      const SuiteRun* run = pending[next++];
      Running r{run, stage_of(root / run->dir), root / run->dir, Stopwatch(), false};
      fs::create_directories(r.stage);
      write_text(r.stage / "request.toml", run->request);
      // Threads go on the command line, not into the request: they change how
      // fast a run goes, not what it computes, and a run finished with other
      // --jobs must still count as done.
      const bool suite_sets_threads = run->request.find("\nthreads = ") != std::string::npos;
      running.emplace(spawn_run(opt.program, r, suite_sets_threads ? 0 : opt.threads_per_run), std::move(r));
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      // Fraction of this invocation's work done, in run-seconds (measured per mode so far).
      double remaining = 0, done = done_seconds;
      for (size_t i = next; i < pending.size(); ++i) remaining += estimate(pending[i]->mode);
      for (const auto& [p, r] : running) {
        const double est = estimate(r.run->mode), ran = std::min(r.clock.seconds(), est);
        done += ran;
        remaining += est - ran;
      }
      const double fraction = done / std::max(1e-9, done + remaining);
      char detail[160];
      std::snprintf(detail, sizeof detail, "%d/%d runs done, %zu running", outcome.already_done + outcome.ran,
                    outcome.total, running.size());
      progress.update(seconds_by_mode.empty() ? 0 : fraction, clock.seconds(), detail);
      continue;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    Running r = std::move(it->second);
    running.erase(it);
    // Ctrl-C reaches the children too (one process group): a child killed by
    // SIGINT or SIGTERM was interrupted, not failed, and is redone next time.
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) r.stopped = true;
    const double seconds = r.clock.seconds();
    const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const bool ok = !r.stopped && (exit_status == 0 || exit_status == 4 || exit_status == 5) &&
                    fs::is_regular_file(r.final_dir / "metrics.csv") && is_result(run_status(r.final_dir), suite);
    progress.finish();
    if (ok) {
      move_staged_files(r.stage, r.final_dir);
      ++outcome.ran;
      auto& m = seconds_by_mode[r.run->mode];
      m.first += seconds;
      m.second += 1;
      done_seconds += seconds;
      const bool diverged = exit_status == 5;
      outcome.diverged += diverged ? 1 : 0;
      std::fprintf(opt.log, "  done %d/%d  %s  (%.1fs)%s\n", outcome.already_done + outcome.ran, outcome.total,
                   r.run->dir.c_str(), seconds, diverged ? "  diverged: kept as a result" : "");
    } else if (r.stopped) {
      for (const fs::path& p : {r.final_dir, partial_of(r.final_dir), r.stage}) fs::remove_all(p);
    } else {
      // What the run left (an ended run's folder, or a crashed one's .partial)
      // is kept as .failed/, with the runner's request and the log.
      const fs::path failed = r.final_dir.string() + ".failed";
      fs::remove_all(failed);
      for (const fs::path& left : {r.final_dir, partial_of(r.final_dir)})
        if (fs::exists(left) && !fs::exists(failed)) fs::rename(left, failed);
      move_staged_files(r.stage, failed);
      std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                          : "killed by signal " + std::to_string(WTERMSIG(status));
      if (fs::is_regular_file(failed / "summary.json")) why += ", " + run_status(failed);
      outcome.failed.push_back(r.run->dir + ": " + why + " (log: " + (failed / "log.txt").string() + ")");
      std::fprintf(opt.log, "  FAILED %s: %s; its log ends:\n%s", r.run->dir.c_str(), why.c_str(),
                   last_lines(failed / "log.txt", 5).c_str());
      stop_launching = true;  // the same mistake would fail the rest; let the running ones finish
    }
  }
  progress.finish();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  outcome.seconds = clock.seconds();

  // experiment.json: every invocation's timing, so the real time of a resumed suite adds up.
  nlohmann::json log = nlohmann::json::object();
  const fs::path log_path = root / "experiment.json";
  if (fs::is_regular_file(log_path)) {
    try {
      log = nlohmann::json::parse(read_text(log_path));
    } catch (const nlohmann::json::exception&) {
      log = nlohmann::json::object();
    }
  }
  log["suite"] = suite.name;
  log["origin"] = suite.origin;
  log["runs"] = outcome.total;
  nlohmann::json inv = {{"finished_utc", utc_now()}, {"real_seconds", outcome.seconds}, {"runs_run", outcome.ran},
                        {"already_done", outcome.already_done}, {"jobs", opt.jobs},
                        {"threads_per_run", opt.threads_per_run}, {"machine", machine_description()},
                        {"failed", outcome.failed.size()}, {"diverged", outcome.diverged},
                        {"interrupted", outcome.interrupted}};
  log["invocations"].push_back(inv);
  double total = 0;
  for (const auto& i : log["invocations"]) total += i.value("real_seconds", 0.0);
  log["real_seconds_total"] = total;
  write_text(log_path, log.dump(2) + "\n");
  return outcome;
}

}  // namespace hsgd
