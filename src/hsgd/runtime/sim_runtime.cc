// sim_runtime.cc: the discrete-event loop around the shared PS core.
//
// Worker cycle in virtual time (t = when the PS serves the worker's pull):
//   serve(w, t):    the PS sends parameters of version v; the gradient is computed
//                   now, for real, on exactly those parameters
//   arrival      =  t + pull message + compute(w) + delay(w) + push message
//   at arrival:     the driver (one gradient at a time) passes it on at
//                   max(arrival, driver free) + dispatch cost; the PS (one
//                   gradient at a time, first come first served) handles it
//                   from start = max(then, PS free) until done = start + PS costs
//                   wait=none, or the push was applied/dropped: serve(w, done)
//                   wait=applied and buffered: w waits; when an update is applied
//                   at `done`, every waiting worker is served at `done` (by id)
// Memory: one Model shared by all workers (they compute one at a time), and
// per worker its shard indices and one gradient: what is really in flight.
#include "hsgd/runtime/sim_runtime.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <nlohmann/json.hpp>

#include "hsgd/common/stopwatch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/sim/event_queue.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

using sim::EventKind;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

class SimRun {
 public:
  explicit SimRun(RunHarness& run)
      : run_(run), config_(run.config()), ps_(run.ps()), cost_(config_.sim),
        waits_for_apply_(config_.ps.waits_for_apply()) {}
  RunResult train();

 private:
  void calibrate();
  void serve(int w, sim::VirtualNs t);
  void on_arrival(int w, sim::VirtualNs t);
  sim::VirtualNs through_driver(sim::VirtualNs t);
  void block_driver(sim::VirtualNs from);
  void on_at_server(int w, sim::VirtualNs t);
  void on_server_free(sim::VirtualNs t);
  void serve_queue(sim::VirtualNs t);
  void handle_push(int w, sim::VirtualNs start);
  void evaluate_at(sim::VirtualNs t);
  nlohmann::json summary_fields() const;

  RunHarness& run_;
  const TrainConfig& config_;
  ParameterServer& ps_;
  sim::CostModel cost_;  // compute_ms becomes the measured value when calibrated
  const bool waits_for_apply_;

  std::unique_ptr<Model> model_;  // shared by all workers
  std::vector<std::unique_ptr<GradientWorker>> workers_;
  std::vector<uint64_t> base_version_;
  std::vector<double> loss_;
  std::vector<int> waiting_;  // workers waiting for an update (wait = applied), in no order
  sim::EventQueue events_;
  sim::VirtualNs ps_free_at_ = 0;
  // A driver or PS that costs time: gradients then queue (on_arrival).
  const bool serial_costs_ = cost_.dispatch_ms > 0 || cost_.ps_gradient_ms > 0 || cost_.ps_update_ms > 0 ||
                             cost_.has_driver_eval();
  std::deque<int> server_queue_;  // workers whose gradient waits for the PS, in order
  sim::VirtualNs driver_free_at_ = 0;
  sim::VirtualNs next_driver_eval_ = INT64_MAX;  // the next timed driver evaluation
  uint64_t dispatched_ = 0;                      // gradients the driver has passed on
  uint64_t driver_evaluations_ = 0;
  sim::VirtualNs now_ = 0;  // virtual time of the event being handled
  Stopwatch wall_;
  uint64_t handled_ = 0;
  double compute_real_seconds_ = 0;  // real time spent computing gradients
  double eval_real_seconds_ = 0;
  double calibrated_ms_ = -1;
};

void SimRun::calibrate() {
  // A throwaway worker, so the real workers' batch sequences stay as in `fixed` mode.
  GradientWorker probe(0, *model_, run_.data(), shard_indices(run_.data().train.size(), 1, 0, config_.seed + 1),
                       config_.batch_size, config_.seed + 1);
  std::vector<double> times;
  for (int i = 0; i < 12; ++i) {
    const double start = thread_cpu_seconds();
    probe.compute(ps_.params().data());
    if (i >= 2) times.push_back(thread_cpu_seconds() - start);  // two warm-up steps
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  calibrated_ms_ = times[times.size() / 2] * 1e3;
  cost_.compute_ms = calibrated_ms_;
  if (run_.log() != nullptr)
    std::fprintf(run_.log(), "hsgd: calibrated compute time %.3f ms per minibatch\n", calibrated_ms_);
}

void SimRun::serve(int w, sim::VirtualNs t) {
  GradientWorker& worker = *workers_[w];
  base_version_[w] = ps_.version();
  const bool measured = cost_.compute == sim::ComputeCost::kMeasured;
  const double cpu_start = measured ? thread_cpu_seconds() : 0.0;  // a system call: only when it is used
  Stopwatch real;
  loss_[w] = worker.compute(ps_.params().data());
  compute_real_seconds_ += real.seconds();
  const double compute_s = measured ? (thread_cpu_seconds() - cpu_start) : cost_.compute_ms * 1e-3;
  const double bytes = static_cast<double>(ps_.num_params() * sizeof(float));
  const sim::VirtualNs message = sim::to_ns(cost_.message_seconds(bytes));
  const sim::VirtualNs arrival =
      t + message + sim::to_ns(compute_s * cost_.speed_of(w)) + sim::to_ns(run_.delays().next(w)) + message;
  events_.schedule(arrival, EventKind::kPushArrives, w);
}

// A gradient reaches the driver. On a free server (no driver, no PS costs:
// the committed suites) the PS handles it at once, as it always did;
// otherwise it passes the driver (FIFO, dispatch_ms each, blocked by the
// driver's evaluations) and then queues for the PS.
void SimRun::on_arrival(int w, sim::VirtualNs t) {
  if (!serial_costs_) return handle_push(w, t);
  events_.schedule(through_driver(t), EventKind::kAtServer, w);
}

sim::VirtualNs SimRun::through_driver(sim::VirtualNs t) {
  while (next_driver_eval_ <= t) {  // timed evaluations that began before this gradient
    block_driver(next_driver_eval_);
    next_driver_eval_ += sim::to_ns(cost_.driver_eval_seconds);
  }
  driver_free_at_ = std::max(t, driver_free_at_) + sim::to_ns(cost_.dispatch_ms * 1e-3);
  ++dispatched_;
  // Ray's driver loop evaluates after every N-th gradient it dispatches.
  if (cost_.driver_eval_every > 0 && dispatched_ % static_cast<uint64_t>(cost_.driver_eval_every) == 0)
    block_driver(driver_free_at_);
  return driver_free_at_;
}

void SimRun::block_driver(sim::VirtualNs from) {
  driver_free_at_ = std::max(driver_free_at_, from) + sim::to_ns(cost_.driver_eval_ms * 1e-3);
  ++driver_evaluations_;
}

// The PS serves one gradient at a time, in the order they pass the driver.
void SimRun::on_at_server(int w, sim::VirtualNs t) {
  server_queue_.push_back(w);
  serve_queue(t);
}

void SimRun::on_server_free(sim::VirtualNs t) { serve_queue(t); }

// While the PS is free at t, it takes the next queued gradient; one that
// costs it nothing (a buffered gradient with G = 0) leaves it free for the next.
void SimRun::serve_queue(sim::VirtualNs t) {
  while (!server_queue_.empty() && ps_free_at_ <= t && !run_.stopping()) {
    const int w = server_queue_.front();
    server_queue_.pop_front();
    handle_push(w, t);
  }
}

// The PS handles w's gradient from `start`; the update (if any) is visible at
// once and the PS is busy until `done`, when w (and the workers that waited
// for this update) pull again.
void SimRun::handle_push(int w, sim::VirtualNs start) {
  ++handled_;
  const PushOutcome out =
      run_.push(w, base_version_[w], workers_[w]->gradient().data(), loss_[w], sim::to_seconds(start));
  const bool applied = out.status == PushOutcome::Status::kApplied;
  const sim::VirtualNs done =
      start + sim::to_ns(cost_.ps_gradient_ms * 1e-3) + (applied ? sim::to_ns(cost_.ps_update_ms * 1e-3) : 0);
  ps_free_at_ = done;
  if (done > start) events_.schedule(done, EventKind::kServerFree, -1);
  if (run_.stopping()) return;  // the run ends with this push; nobody is served again
  if (applied) {  // in worker order, so that events tie-break as they always have
    std::sort(waiting_.begin(), waiting_.end());
    for (int other : waiting_) serve(other, done);
    waiting_.clear();
  }
  if (waits_for_apply_ && out.status == PushOutcome::Status::kBuffered) {
    waiting_.push_back(w);
  } else {
    serve(w, done);
  }
}

void SimRun::evaluate_at(sim::VirtualNs t) {
  Stopwatch eval_clock;
  run_.evaluate(sim::to_seconds(t));
  eval_real_seconds_ += eval_clock.seconds();
}

RunResult SimRun::train() {
  const int n = config_.workers();
  model_ = run_.factory()(config_.seed);
  auto shards = all_shards(run_.data().train.size(), n, config_.seed);
  for (int w = 0; w < n; ++w)
    workers_.push_back(std::make_unique<GradientWorker>(w, *model_, run_.data(), std::move(shards[w]),
                                                        config_.batch_size, config_.seed));
  base_version_.assign(n, 0);
  loss_.assign(n, NAN);
  waiting_.reserve(n);
  if (cost_.compute == sim::ComputeCost::kCalibrated) calibrate();

  const sim::VirtualNs eval_every = sim::to_ns(config_.eval.every_seconds);
  const sim::VirtualNs budget = config_.budget.seconds > 0 ? sim::to_ns(config_.budget.seconds) : INT64_MAX;
  {
    Stopwatch eval_clock;
    run_.evaluate_start();
    eval_real_seconds_ += eval_clock.seconds();
  }
  if (cost_.driver_eval_ms > 0 && cost_.driver_eval_seconds > 0) next_driver_eval_ = sim::to_ns(cost_.driver_eval_seconds);
  for (int w = 0; w < n; ++w) {  // by default every worker pulls version 0 at t = 0
    const sim::VirtualNs start = sim::to_ns(cost_.start_of(w, n));
    if (start == 0) serve(w, 0);
    else events_.schedule(start, EventKind::kWorkerStarts, w);
  }
  events_.schedule(eval_every, EventKind::kEvaluate, -1);

  while (!events_.empty() && !run_.stopping()) {
    if (events_.next().time > budget) {
      now_ = budget;
      run_.stop(RunStatus::kFinished, "time budget reached");
      break;
    }
    const sim::Event e = events_.pop();
    now_ = e.time;
    if (e.kind == EventKind::kEvaluate) {
      evaluate_at(e.time);
      events_.schedule(e.time + eval_every, EventKind::kEvaluate, -1);
    } else if (e.kind == EventKind::kWorkerStarts) {
      serve(e.worker, e.time);
    } else if (e.kind == EventKind::kAtServer) {
      on_at_server(e.worker, e.time);
    } else if (e.kind == EventKind::kServerFree) {
      on_server_free(e.time);
    } else {
      on_arrival(e.worker, e.time);
    }
    if ((handled_ & 63) == 0) run_.show_progress(sim::to_seconds(now_), wall_.seconds(), "(virtual)");
  }
  {
    Stopwatch eval_clock;  // the last snapshot is evaluated here, inline
    run_.end_training(sim::to_seconds(now_));
    eval_real_seconds_ += eval_clock.seconds();
  }
  RunResult result = run_.finish(sim::to_seconds(now_), summary_fields());
  if (run_.log() != nullptr)
    std::fprintf(run_.log(), "hsgd: simulated %.1fs in %.1fs real (%.1fs computing gradients, %.1fs evaluating)\n",
                 result.train_seconds, wall_.seconds(), compute_real_seconds_, eval_real_seconds_);
  return result;
}

nlohmann::json SimRun::summary_fields() const {
  const double real = wall_.seconds();
  const double overhead = std::max(0.0, real - compute_real_seconds_ - eval_real_seconds_);
  const bool measured = cost_.compute == sim::ComputeCost::kMeasured;
  return {{"time", "virtual"},
          {"simulator",
           {{"compute", name_of(cost_.compute)},
            {"compute_ms", measured ? nlohmann::json() : nlohmann::json(cost_.compute_ms)},
            {"calibrated_compute_ms", calibrated_ms_ >= 0 ? nlohmann::json(calibrated_ms_) : nlohmann::json()},
            {"reproducible", !measured},
            {"real_seconds", real},
            {"real_seconds_computing_gradients", compute_real_seconds_},
            {"real_seconds_evaluating", eval_real_seconds_},
            {"overhead_fraction", real > 0 ? overhead / real : 0.0},
            {"overhead_seconds", overhead},  // everything but gradients and evaluation: events, PS, delays, rows
            {"events", handled_},
            {"driver_evaluations", driver_evaluations_},
            {"events_per_overhead_second", overhead > 0 ? static_cast<double>(handled_) / overhead : 0.0}}}};
}

class SimRuntime : public Runtime {
 public:
  EvaluationMode evaluation() const override { return EvaluationMode::kInline; }
  RunResult train(RunHarness& run) override { return SimRun(run).train(); }
};

}  // namespace

std::unique_ptr<Runtime> make_sim_runtime() { return std::make_unique<SimRuntime>(); }

}  // namespace hsgd
