// threads_runtime.cc: see threads_runtime.h.
//
// Workers compute on a pool of compute slots the size of the machine
// (compute_slots.h): 25 worker threads on 2 cores compute two gradients at a
// time, each at full speed. When the workers use every core, each evaluation
// point pauses training (off the clock) until its snapshot is evaluated on
// every core: a niced background thread would only starve.
//
// Checkpoints (--checkpoint-every): at every multiple of the period of
// training time, and when the run stops without diverging, the monitor parks
// every worker as for an evaluation pause (so no gradient is in flight: each
// one computed has been pushed), waits for the evaluations, and saves the
// harness's state and every worker's minibatch order. A resumed run starts its
// clock at the checkpoint's time; the workers pull the checkpoint's parameters.
#include "hsgd/runtime/threads_runtime.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/runtime/compute_slots.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

using Seconds = std::chrono::duration<double>;

// One run: the workers, the monitor and what they share, guarded by mu_.
class ThreadsRun {
 public:
  ThreadsRun(RunHarness& run, int cores)
      : run_(run),
        config_(run.config()),
        ps_(run.ps()),
        waits_for_apply_(config_.ps.waits_for_apply()),
        slots_(std::clamp(cores / std::max(1, config_.threads), 1, config_.workers())),
        no_free_core_(config_.workers() * std::max(1, config_.threads) >= cores) {}
  RunResult train();

 private:
  void worker_loop(GradientWorker& worker);
  int wait_for_slot();
  int pull(int id, uint64_t& version);
  void run_worker(GradientWorker& worker);
  void monitor_loop();
  void run_monitor();
  // ... until at most `unfinished` snapshots are unfinished.
  void pause_for_evaluation(std::unique_lock<std::mutex>& lock, size_t unfinished);
  void checkpoint(std::unique_lock<std::mutex>& lock);
  void park_workers(std::unique_lock<std::mutex>& lock);
  void unpark_workers();
  // Training time: the checkpoint's time (for a resumed run) plus the clock.
  double now() const { return start_time_ + clock_.seconds(); }
  // Waits on changed_ until `done`, counted as idle (no gradient in flight).
  template <typename Pred>
  void idle_wait(std::unique_lock<std::mutex>& lock, Pred done);
  void stop_all_locked();

  RunHarness& run_;
  const TrainConfig& config_;
  ParameterServer& ps_;
  const bool waits_for_apply_;
  ComputeSlots slots_;       // a worker holds one while it computes a gradient
  std::vector<std::unique_ptr<Model>> replicas_;  // [slot]: the model it computes with
  const bool no_free_core_;  // the workers use every core: evaluation pauses training
  std::mutex mu_;
  std::condition_variable changed_;  // an update was applied, a pause began or ended, or stop
  bool stop_ = false;
  bool paused_ = false;  // workers park at their next pull
  int idle_ = 0;         // workers parked or waiting for their gradient to be applied
  std::exception_ptr error_;
  const std::vector<std::unique_ptr<GradientWorker>>* workers_ = nullptr;
  double start_time_ = 0;  // training time at the start: the checkpoint's, when resumed
  Stopwatch clock_;  // training time since the start; paused while evaluation catches up
  Stopwatch wall_;
};

template <typename Pred>
void ThreadsRun::idle_wait(std::unique_lock<std::mutex>& lock, Pred done) {
  if (done()) return;
  ++idle_;
  changed_.notify_all();  // the monitor may be waiting for everyone to be idle
  changed_.wait(lock, done);
  --idle_;
}

void ThreadsRun::stop_all_locked() {
  stop_ = true;
  changed_.notify_all();
}

// Counted idle while it waits: a worker without a slot has no gradient in flight.
int ThreadsRun::wait_for_slot() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++idle_;
  }
  changed_.notify_all();  // the monitor may be waiting for everyone to be idle
  const int slot = slots_.acquire();
  std::lock_guard<std::mutex> lock(mu_);
  --idle_;
  return slot;
}

// Takes a compute slot, then pulls the parameters (so a gradient is as fresh
// as the slot allows). Parked while paused, and under SSP while this worker is
// too far ahead, without a slot. Returns the slot, or -1 when the run stops
// (no slot held).
int ThreadsRun::pull(int id, uint64_t& version) {
  const auto may_pull = [&] { return stop_ || (!paused_ && !ps_.ssp_waiting(id)); };
  while (true) {
    const int slot = wait_for_slot();
    std::unique_lock<std::mutex> lock(mu_);
    if (stop_) {
      slots_.release(slot);
      return -1;
    }
    if (may_pull()) {
      replicas_[slot]->set_params(ps_.params().data());
      version = ps_.version();
      return slot;
    }
    slots_.release(slot);
    idle_wait(lock, may_pull);
  }
}

void ThreadsRun::worker_loop(GradientWorker& worker) {
  const int id = worker.id();
  while (true) {
    uint64_t base_version;
    const int slot = pull(id, base_version);
    if (slot < 0) return;
    double loss;
    try {
      loss = worker.compute_on(*replicas_[slot]);
    } catch (...) {
      slots_.release(slot);
      throw;
    }
    slots_.release(slot);
    const double delay = run_.delays().next(id);  // this worker's own stream

    std::unique_lock<std::mutex> lock(mu_);
    if (delay > 0) changed_.wait_for(lock, Seconds(delay), [&] { return stop_; });
    if (stop_) return;  // a gradient never pushed is never received: nothing is lost
    const double t = now();
    const PushOutcome out = run_.push(id, base_version, worker.gradient().data(), loss, t);
    run_.check_time(t);
    if (run_.stopping()) return stop_all_locked();
    const bool released = !ps_.take_released().empty();  // SSP: the slowest worker caught up
    if (out.status == PushOutcome::Status::kApplied || released) changed_.notify_all();
    if (waits_for_apply_ && out.status == PushOutcome::Status::kBuffered)
      idle_wait(lock, [&] { return stop_ || ps_.version() > out.version; });
  }
}

void ThreadsRun::run_worker(GradientWorker& worker) {
  try {
    worker_loop(worker);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
    stop_all_locked();
  }
}

// The monitor's failure (a checkpoint on a full disk) ends the run as a
// worker's does: every thread stops, and train() rethrows it.
void ThreadsRun::run_monitor() {
  try {
    monitor_loop();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
    stop_all_locked();
  }
}

// Stops the training clock at this evaluation point, parks every worker
// (gradients in flight land with the pause's time), waits for evaluation to
// catch up, and lets the workers go on.
void ThreadsRun::pause_for_evaluation(std::unique_lock<std::mutex>& lock, size_t unfinished) {
  Stopwatch paused;
  park_workers(lock);
  lock.unlock();
  run_.wait_for_evaluation({}, unfinished);
  lock.lock();
  run_.note_pause(paused.seconds());
  unpark_workers();
}

// Stops the clock and waits until every worker is parked or waiting for its
// gradient to be applied (so every gradient computed has been pushed).
void ThreadsRun::park_workers(std::unique_lock<std::mutex>& lock) {
  paused_ = true;
  clock_.pause();
  const int workers = config_.workers();
  while (!stop_ && idle_ < workers && !run_.stopping()) changed_.wait_for(lock, Seconds(0.05));
}

void ThreadsRun::unpark_workers() {
  if (!run_.stopping()) clock_.resume();  // a run stopped now ends at the pause's time
  paused_ = false;
  changed_.notify_all();
}

// A checkpoint at the current training time, the workers parked meanwhile
// (off the clock, like an evaluation pause).
void ThreadsRun::checkpoint(std::unique_lock<std::mutex>& lock) {
  Stopwatch paused;
  park_workers(lock);
  if (!stop_ && !run_.stopping()) {
    lock.unlock();
    run_.save_checkpoint(now(), [this](CheckpointFile& file) { save_samplers(file, "threads/samplers", *workers_); });
    lock.lock();
  }
  run_.note_pause(paused.seconds());
  unpark_workers();
}

// Watches the budget and signals, takes a snapshot at every evaluation point
// and prints progress, sleeping in between (at most 0.1 s, to notice signals
// and the target accuracy).
void ThreadsRun::monitor_loop() {
  double next_eval = next_multiple_after(run_.last_snapshot_time(), config_.eval.every_seconds);
  const double every = config_.checkpoint_every;
  double next_checkpoint = every > 0 ? next_multiple_after(now(), every) : INFINITY;
  double next_progress = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    double wake = std::min({next_eval, next_checkpoint, next_progress, now() + 0.1});
    if (config_.budget.seconds > 0) wake = std::min(wake, config_.budget.seconds);
    changed_.wait_for(lock, Seconds(std::max(0.0, wake - now())), [&] { return stop_; });
    const double t = now();
    run_.check_time(t);
    if (stop_ || run_.stopping()) return stop_all_locked();
    if (t >= next_eval) {
      run_.evaluate(next_eval);
      next_eval += config_.eval.every_seconds;
      if (no_free_core_)
        pause_for_evaluation(lock, 0);
      else if (run_.evaluation_lagging())
        pause_for_evaluation(lock, 1);
    }
    if (now() >= next_checkpoint) {
      checkpoint(lock);
      next_checkpoint = next_multiple_after(now(), every);
    }
    if (t >= next_progress) {
      next_progress = t + 0.5;
      run_.show_progress(t, wall_.seconds());
    }
  }
}

RunResult ThreadsRun::train() {
  const int n = config_.workers();
  const Dataset& data = run_.data();
  std::vector<std::unique_ptr<GradientWorker>> workers;
  for (int s = 0; s < slots_.size(); ++s) replicas_.push_back(run_.factory()(config_.seed));
  auto shards = all_shards(data.train.size(), n, config_.seed);
  for (int w = 0; w < n; ++w)
    workers.push_back(std::make_unique<GradientWorker>(w, *replicas_[w % replicas_.size()], data,
                                                       std::move(shards[w]), config_.batch_size, config_.seed));
  workers_ = &workers;
  if (const CheckpointFile* from = run_.resumed_from(); from != nullptr) {
    restore_samplers(*from, "threads/samplers", workers);
    start_time_ = checkpoint_time(*from);
  } else {
    run_.evaluate_start();
  }
  clock_ = Stopwatch();
  // Worker 0 runs on the main thread, the others and the monitor on their own.
  // The main thread is where LibTorch's OpenMP pool was set up, and where
  // malloc's main arena is: a worker there computes exactly as fast as the
  // single runtime (a second thread's OpenMP team wakes its helper through
  // the kernel on every operation, which costs 10-15% at 2 threads).
  std::vector<std::thread> threads;
  try {
    for (int w = 1; w < n; ++w) threads.emplace_back([this, &workers, w] { run_worker(*workers[w]); });
    threads.emplace_back([this] { run_monitor(); });
  } catch (const std::system_error& e) {  // the system refused a thread
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_all_locked();
    }
    for (auto& t : threads) t.join();
    throw Error("cannot start " + std::to_string(n) + " worker threads: " + e.what() + "; use fewer --workers");
  }
  run_worker(*workers[0]);
  for (auto& t : threads) t.join();
  if (error_) std::rethrow_exception(error_);
  // A clean stop is a point to go on from (the workers have left; no gradient is in flight).
  if (config_.checkpoint_every > 0 && !run_.ended_badly())
    run_.save_checkpoint(now(), [&](CheckpointFile& file) { save_samplers(file, "threads/samplers", workers); });
  return run_.finish(now(), {});
}

class ThreadsRuntime : public Runtime {
 public:
  // Workers as threads, at once, in real time: each holds its gradient; the
  // model replicas belong to the compute slots (one per core).
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.evaluation = EvaluationMode::kBackground;
    t.real_time = true;
    t.concurrent_workers = true;
    t.copies_per_worker = 1;
    t.max_workers = 256;
    t.max_workers_reason = " (one thread per worker); use --runtime sim for larger clusters";
    return t;
  }
  RunResult train(RunHarness& run) override {
    return ThreadsRun(run, static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))).train();
  }
};

}  // namespace

std::unique_ptr<Runtime> make_threads_runtime() { return std::make_unique<ThreadsRuntime>(); }

}  // namespace hsgd
