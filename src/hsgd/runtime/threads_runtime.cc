// threads_runtime.cc
#include "hsgd/runtime/threads_runtime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/runtime/run_setup.h"
#include "hsgd/runtime/snapshot_evaluator.h"
#include "hsgd/train/single_worker_trainer.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

// Everything the threads share, guarded by `mu`.
struct SharedState {
  explicit SharedState(std::unique_ptr<ParameterServer> server) : ps(std::move(server)) {}
  std::mutex mu;
  std::condition_variable changed;  // an update was applied, or stop was set
  std::unique_ptr<ParameterServer> ps;
  bool stop = false;
  WorkerProgress progress;
  std::exception_ptr error;  // the first exception a worker threw
};

class ThreadsRun {
 public:
  ThreadsRun(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log)
      : config_(config),
        data_(data),
        factory_(factory),
        log_(log),
        shared_(make_parameter_server(config, factory)),
        delays_(make_delay_model(config)),
        mode_(parse_mode(config.mode)),
        wait_applied_(mode_ == Mode::kSync || (mode_ == Mode::kHybrid && parse_wait_policy(config.wait) == WaitPolicy::kApplied)) {}

  RunResult run();

 private:
  void worker_loop(GradientWorker& worker);
  bool budget_reached_locked(double now) const;
  double fraction_done_locked(double now) const;
  Snapshot take_snapshot_locked(double time_s);
  void monitor_loop(SnapshotEvaluator& evaluator, ProgressLine& progress);

  const TrainConfig& config_;
  const Dataset& data_;
  const ModelFactory& factory_;
  std::FILE* log_;
  SharedState shared_;
  DelayModel delays_;
  Mode mode_;
  bool wait_applied_;
  Stopwatch clock_;
};

double ThreadsRun::fraction_done_locked(double now) const {
  return budget_fraction(config_, shared_.ps->accounting(), shared_.progress.samples, data_.train.size(), now);
}

bool ThreadsRun::budget_reached_locked(double now) const { return fraction_done_locked(now) >= 1.0; }

Snapshot ThreadsRun::take_snapshot_locked(double time_s) {
  return take_snapshot(*shared_.ps, shared_.progress, data_.train.size(), time_s);
}

void ThreadsRun::worker_loop(GradientWorker& worker) {
  const int id = worker.id();
  std::vector<float> params(worker.num_params());
  while (true) {
    uint64_t base_version;
    {
      std::lock_guard<std::mutex> lock(shared_.mu);
      if (shared_.stop) return;
      std::memcpy(params.data(), shared_.ps->params().data(), params.size() * sizeof(float));
      base_version = shared_.ps->version();
    }
    const double loss = worker.compute(params.data());
    const double delay = delays_.next(id);

    std::unique_lock<std::mutex> lock(shared_.mu);
    if (delay > 0) {
      shared_.changed.wait_for(lock, std::chrono::duration<double>(delay), [&] { return shared_.stop; });
    }
    if (shared_.stop) return;  // a gradient never pushed is never received: nothing is lost
    const double now = clock_.seconds();
    const PushOutcome out = shared_.ps->push(id, base_version, worker.gradient().data(), now);
    shared_.progress.record(config_.batch_size, loss);
    if (budget_reached_locked(now)) shared_.stop = true;
    if (out.status == PushOutcome::Status::kApplied || shared_.stop) shared_.changed.notify_all();
    if (wait_applied_ && out.status == PushOutcome::Status::kBuffered) {
      const uint64_t pushed_at = out.version;
      shared_.changed.wait(lock, [&] { return shared_.stop || shared_.ps->version() > pushed_at; });
    }
  }
}

// The monitor: watches the time budget, takes a snapshot at every evaluation
// point and prints progress, sleeping in between.
void ThreadsRun::monitor_loop(SnapshotEvaluator& evaluator, ProgressLine& progress) {
  double next_eval = config_.eval_every_seconds;
  double next_progress = 0;
  while (true) {
    std::unique_lock<std::mutex> lock(shared_.mu);
    // Sleep until the next evaluation point, the time budget, the next
    // progress line, or a worker's notice that the run must stop.
    double wake = std::min(next_eval, next_progress);
    if (config_.seconds > 0) wake = std::min(wake, config_.seconds);
    const double wait_s = std::max(0.0, wake - clock_.seconds());
    shared_.changed.wait_for(lock, std::chrono::duration<double>(wait_s), [&] { return shared_.stop; });
    const double now = clock_.seconds();
    if (!shared_.stop && budget_reached_locked(now)) {
      shared_.stop = true;
      shared_.changed.notify_all();
    }
    if (shared_.stop) return;
    if (now >= next_eval) {
      evaluator.submit(take_snapshot_locked(next_eval));
      next_eval += config_.eval_every_seconds;
    }
    if (log_ != nullptr && now >= next_progress) {
      next_progress = now + 0.5;
      const Accounting& a = shared_.ps->accounting();
      char detail[200];
      std::snprintf(detail, sizeof detail, "%s  t %.1fs  grads %llu  updates %llu  K %d  loss %.4f  evaluated %zu",
                    config_.mode.c_str(), now, (unsigned long long)a.received, (unsigned long long)a.updates,
                    shared_.ps->current_k(now), shared_.progress.mean_loss(),
                    evaluator.done());
      const double fraction = std::min(1.0, fraction_done_locked(now));
      lock.unlock();
      progress.update(fraction, now, detail);
    }
  }
}

RunResult ThreadsRun::run() {
  std::filesystem::create_directories(config_.out_dir);
  const int n = config_.workers;
  std::vector<std::unique_ptr<Model>> replicas;  // one per worker thread
  std::vector<std::unique_ptr<GradientWorker>> workers;
  auto shards = all_shards(data_.train.size(), n, config_.seed);
  for (int w = 0; w < n; ++w) {
    replicas.push_back(factory_(config_.seed));
    workers.push_back(std::make_unique<GradientWorker>(w, *replicas.back(), data_, std::move(shards[w]),
                                                       config_.batch_size, config_.seed));
  }
  check_model_fits_data(workers[0]->model(), data_);

  RunResult result;
  RowRecorder record(config_, result);  // used by the evaluator thread only, after the first row
  SnapshotEvaluator evaluator(factory_(config_.seed), data_, config_.eval_batch, /*background=*/true,
                              [&](const MetricsRow& row) { record(row); });
  {
    std::lock_guard<std::mutex> lock(shared_.mu);
    evaluator.evaluate_now(take_snapshot_locked(0.0));
  }

  clock_ = Stopwatch();
  auto run_worker = [this](GradientWorker& w) {
    try {
      worker_loop(w);
    } catch (...) {
      std::lock_guard<std::mutex> lock(shared_.mu);
      if (!shared_.error) shared_.error = std::current_exception();
      shared_.stop = true;
      shared_.changed.notify_all();
    }
  };
  // Worker 0 runs on the main thread, the others and the monitor on their own.
  // The main thread is where LibTorch's OpenMP pool was set up, and where
  // malloc's main arena is: a worker there computes exactly as fast as the
  // single-worker trainer (a second thread's OpenMP team wakes its helper
  // through the kernel on every operation, which costs 10-15% at 2 threads).
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers.size(); ++w) threads.emplace_back(run_worker, std::ref(*workers[w]));
  ProgressLine progress(log_ != nullptr ? log_ : stderr);
  threads.emplace_back([&] { monitor_loop(evaluator, progress); });
  run_worker(*workers[0]);
  for (auto& t : threads) t.join();
  result.train_seconds = clock_.seconds();
  if (shared_.error) std::rethrow_exception(shared_.error);
  {
    std::lock_guard<std::mutex> lock(shared_.mu);
    evaluator.submit(take_snapshot_locked(result.train_seconds));
  }
  if (log_ != nullptr) {
    progress.finish();
    std::fprintf(log_, "hsgd: training stopped after %.1fs; evaluating %zu remaining snapshot(s)\n",
                 result.train_seconds, evaluator.pending());
  }
  evaluator.finish();
  result.wall_seconds = clock_.seconds();
  HSGD_CHECK(shared_.ps->accounting().balances(), "gradient accounting does not balance");
  write_json_file(config_.out_dir + "/summary.json", ps_run_summary(config_, data_, result, *shared_.ps, delays_));
  return result;
}

}  // namespace

RunResult run_threads(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log) {
  config.validate();
  ThreadsRun run(config, data, factory, log);
  return run.run();
}

}  // namespace hsgd
