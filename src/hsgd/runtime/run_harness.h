// run_harness.h: what every runtime shares: the PS core built from the
// configuration, the metrics rows and their evaluation, the budget, the
// progress line, signals, the divergence check, the accounting check and the
// summary. A runtime (runtime.h) only decides who calls the PS when, and what
// time it is.
//
// Life of a run, the same in every runtime:
//   evaluate_start()          the t = 0 row, before any worker starts
//   push(...)                 every gradient; stops the run on a budget or divergence
//   evaluate(t)               at every evaluation point (training time t)
//   ... until stopping()      budget, target accuracy, SIGINT/SIGTERM, divergence
//   finish(t)                 last row, summary.json; returns the result
// A run ends finished, terminated, diverged or failed (RunStatus).
//
// Threads: push, evaluate, budget and progress calls touch the PS and must
// be serialised by the runtime (the threads runtime holds its PS mutex);
// stop() and stopping() may be called from any thread.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stop_signals.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/csv_writer.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"
#include "hsgd/ps/parameter_server.h"
#include "hsgd/ps/sharded_server.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/runtime/harness_sections.h"
#include "hsgd/runtime/runtime_traits.h"
#include "hsgd/runtime/snapshot_evaluator.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {

// What the workers have done beside what the PS counts: samples computed, and
// the train loss since the last snapshot.
struct WorkerProgress {
  uint64_t samples = 0;
  double loss_sum = 0;
  uint64_t loss_count = 0;
  double last_window_loss = NAN;  // the previous window's mean, for the progress line
  void record(size_t batch_size, double loss);
  double mean_loss() const;     // NaN before the first gradient of the window
  double display_loss() const;  // this window's mean, else the last one seen
  void start_window();
};


// The first multiple of `period` after time t (t itself, by rounding, counts
// as passed): the next evaluation point or checkpoint of the real-time runtimes.
inline double next_multiple_after(double t, double period) {
  return (std::floor(t / period + 1e-9) + 1) * period;
}

// Every worker's minibatch order (its shard's order this epoch, its cursor
// and its generator) in `section` of a checkpoint, and back: each worker
// checks its part against its own shard (CheckpointError naming the worker).
void save_samplers(CheckpointFile& file, const std::string& section,
                   const std::vector<std::unique_ptr<GradientWorker>>& workers);
void restore_samplers(const CheckpointFile& file, const std::string& section,
                      const std::vector<std::unique_ptr<GradientWorker>>& workers);

// A push to a server in real time (`real_time`) or virtual time: held for
// --server-gradient-ms (and --server-update-ms when it applies an update),
// its service time measured for the K policies that measure load. Every
// shard, on any rank, pushes through it.
PushOutcome timed_push(ParameterServer& ps, const ServerCost& cost, bool real_time, int worker, uint64_t base_version,
                       const float* gradient, double now);

class RunHarness {
 public:
  // `dir` exists; metrics.csv and summary.json are written there. `traits`:
  // the runtime's (how it evaluates, its time, its workers on resume).
  // `resume`, if given, must outlive the harness.
  RunHarness(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::string dir,
             std::FILE* log, const RuntimeTraits& traits, const CheckpointFile* resume = nullptr);
  ~RunHarness();

  const TrainConfig& config() const { return config_; }
  const Dataset& data() const { return data_; }
  const ModelFactory& factory() const { return factory_; }
  // The one server of a run with --servers 1 (every runtime but a sharded one).
  ParameterServer& ps();
  // Every server shard (--servers S; one for S = 1, then shard(0) is ps()).
  ShardedServer& servers() { return *servers_; }
  DelayModel& delays() { return delays_; }
  const WorkerProgress& worker_progress() const { return progress_; }
  std::FILE* log() const { return log_; }

  // The t = 0 row, evaluated on the calling thread before the workers start.
  void evaluate_start();
  // Hands a gradient to the PS and records the worker's loss. Stops the run
  // (status finished) when a budget other than time is used up, and (status
  // diverged) when the loss or the parameters are no longer finite. In real
  // time the server then holds itself for --server-*-ms (timed_push).
  PushOutcome push(int worker, uint64_t base_version, const float* gradient, double loss, double now);
  // --servers S > 1: a gradient's slice handed to its shard (version
  // base_version of that shard). Stops the run on a budget of gradients or
  // updates (counted once every shard has them) or on non-finite parameters
  // (naming the shard). The runtime calls record_gradient once per gradient.
  PushOutcome push_slice(int shard, int worker, uint64_t base_version, const float* slice, double now);
  // A worker's gradient counted once (samples, its loss): stops the run on
  // an epoch budget or a non-finite loss.
  void record_gradient(double loss, double now);
  // A snapshot of the PS at training time t, evaluated inline or queued.
  void evaluate(double t);
  // Background evaluation is more than one snapshot behind: the runtime
  // should pause training (off the clock) and call wait_for_evaluation().
  bool evaluation_lagging() const;
  // Waits until at most `at_most` snapshots are unfinished. `while_waiting`
  // (if any) is called about every 50 ms meanwhile (the MPI server tells the
  // workers it waits with that it is still alive).
  void wait_for_evaluation(const std::function<void()>& while_waiting = {}, size_t at_most = 1);
  // Training was paused (off the clock) for this long while evaluation caught up.
  void note_pause(double seconds) { paused_seconds_ += seconds; }
  size_t evaluations_done() const { return evaluator_->done(); }
  // Training time of the last snapshot taken (-1 before the first). A
  // resumed run's next evaluation point is the first one after it, so that
  // its rows go on at every point.
  double last_snapshot_time() const { return last_snapshot_time_; }

  bool stopping() const;
  // The run was stopped because it diverged or failed: not a state to go on from.
  bool ended_badly() const;
  // The first call decides how the run ends; later calls change nothing.
  void stop(RunStatus status, const std::string& reason);
  bool time_is_up(double now) const { return config_.budget.seconds > 0 && now >= config_.budget.seconds; }
  // Stops the run (finished) once training time `now` reaches the time budget.
  void check_time(double now) {
    if (time_is_up(now)) stop(RunStatus::kFinished, "time budget reached");
  }
  double budget_fraction(double now) const;

  // Prints the progress line (throttled). `elapsed` is the real time since the
  // start (the ETA's clock); `extra` is the runtime's own detail.
  void show_progress(double now, double elapsed, const std::string& extra = "");

  // Training has stopped at training time t: takes the last snapshot (unless
  // one was taken at t); a terminated run drops the snapshots still queued.
  // finish() calls it if the runtime has not (mpi calls it at once, then
  // waits for its workers to leave).
  void end_training(double t);
  // Ends the run at training time t: evaluates what is left, checks the
  // accounting, writes summary.json with the runtime's `extra` fields and
  // returns the result.
  RunResult finish(double train_seconds, const nlohmann::json& extra);

  // ---- checkpoints (docs/faults.md)
  // Writes checkpoint.bin in the run's folder, atomically: the PS, this
  // harness's state (the rows so far, the workers' progress, the delay
  // streams, the evaluation counters) at training time t, and the runtime's
  // own sections (`add_runtime_state`). Waits until every snapshot taken is
  // evaluated (at most the two held in background mode).
  void save_checkpoint(double t, const std::function<void(CheckpointFile&)>& add_runtime_state);
  // The checkpoint this run resumes from (nullptr for a new run). The
  // constructor has restored the harness and the PS from it and rewritten
  // metrics.csv with its rows; the runtime restores its own sections.
  const CheckpointFile* resumed_from() const { return resume_; }

 private:
  void restore_checkpoint(const CheckpointFile& file);
  void record_row(const MetricsRow& row);
  PushOutcome timed_push(ParameterServer& ps, int worker, uint64_t base_version, const float* gradient, double now);
  void check_divergence(const PushOutcome& out, double loss, double now);
  void stop_diverged(const std::string& what, double now);
  void record_shard_rows(double t);
  nlohmann::json shards_summary() const;
  nlohmann::json accounting_json(const Accounting& a) const;
  Snapshot snapshot(double t);
  // What every runtime's summary.json says: result, configuration, PS accounting, evaluation.
  nlohmann::json summary_json() const;
  void add_policy_summary(nlohmann::json& summary) const;
  nlohmann::json compute_summary() const;
  void write_k_decisions() const;
  std::string budget_reason(double now) const;

  const StopSignals signals_;  // while the run lives, SIGINT/SIGTERM stop it cleanly
  const TrainConfig& config_;
  const RuntimeTraits traits_;
  const Dataset& data_;
  const ModelFactory& factory_;
  std::string dir_;
  std::FILE* log_;
  const CheckpointFile* resume_;
  std::unique_ptr<ShardedServer> servers_;
  std::unique_ptr<CsvWriter> shard_rows_;  // shards.csv (--servers S > 1): each shard at each snapshot
  DelayModel delays_;
  WorkerProgress progress_;
  RunResult result_;
  MetricsFile metrics_;
  std::unique_ptr<SnapshotEvaluator> evaluator_;
  ProgressLine progress_line_;
  double last_snapshot_time_ = -1;
  Stopwatch wall_;
  // How well evaluation kept up: snapshots taken during training, and how
  // many of them were evaluated before training stopped.
  size_t points_ = 0;
  size_t most_unfinished_ = 0;  // the most snapshots held at once, waiting or being evaluated
  std::atomic<size_t> evaluated_during_training_{0};
  std::atomic<bool> training_ended_{false};
  double paused_seconds_ = 0;
  Evaluation whole_test_set_;  // the last parameters on the whole test set (--eval-samples)
  std::atomic<bool> stop_{false};
  mutable std::mutex end_mu_;  // guards the two fields below
  RunStatus status_ = RunStatus::kFinished;
  std::string stop_reason_;
};

}  // namespace hsgd
