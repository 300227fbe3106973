// sim_runtime.cc: the discrete-event loop around the shared PS core (the
// worker cycle, the sharded server and checkpoints: sim_run.h).
#include "hsgd/runtime/sim_runtime.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "hsgd/common/stopwatch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/runtime/sim_run.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace sim_detail {

using sim::EventKind;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

}  // namespace

SimRun::SimRun(RunHarness& run)
    : run_(run), config_(run.config()), servers_(run.servers()), shards_(servers_.count()), cost_(config_.sim),
      waits_for_apply_(config_.ps.waits_for_apply()), waiting_(shards_), free_at_(shards_, 0),
      busy_ns_(shards_, 0), queues_(shards_) {
  for (int s = 0; s < shards_; ++s) {
    const ParamSlice& slice = servers_.slice(s);
    share_.push_back(static_cast<double>(slice.size) / static_cast<double>(servers_.num_params()));
    message_.push_back(sim::to_ns(cost_.message_seconds(static_cast<double>(slice.bytes()))));
  }
  if (shards_ > 1) gathered_.resize(servers_.num_params());
}

void SimRun::calibrate() {
  // A throwaway worker, so the real workers' batch sequences stay as in `fixed` mode.
  GradientWorker probe(0, *model_, run_.data(), shard_indices(run_.data().train.size(), 1, 0, config_.seed + 1),
                       config_.batch_size, config_.seed + 1);
  std::vector<double> times;
  for (int i = 0; i < 12; ++i) {
    const double start = thread_cpu_seconds();
    probe.compute(params_to_serve());
    if (i >= 2) times.push_back(thread_cpu_seconds() - start);  // two warm-up steps
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  calibrated_ms_ = times[times.size() / 2] * 1e3;
  cost_.compute_ms = calibrated_ms_;
  if (run_.log() != nullptr)
    std::fprintf(run_.log(), "hsgd: calibrated compute time %.3f ms per minibatch\n", calibrated_ms_);
}

// The parameters a pull gets now: the one server's, or every shard's slice.
const float* SimRun::params_to_serve() {
  if (shards_ == 1) return servers_.shard(0).params().data();
  servers_.gather_params(gathered_.data());
  return gathered_.data();
}

void SimRun::serve(int w, sim::VirtualNs t) {
  GradientWorker& worker = *workers_[w];
  for (int s = 0; s < shards_; ++s) base_version_[w * shards_ + s] = servers_.shard(s).version();
  pending_[w] = shards_;
  ready_at_[w] = t;
  slices_handled_[w] = 0;
  const bool measured = cost_.compute == sim::ComputeCost::kMeasured;
  const double cpu_start = measured ? thread_cpu_seconds() : 0.0;  // a system call: only when it is used
  Stopwatch real;
  loss_[w] = worker.compute(params_to_serve());
  compute_real_seconds_ += real.seconds();
  const double compute_s = measured ? (thread_cpu_seconds() - cpu_start) : cost_.compute_ms * 1e-3;
  const sim::VirtualNs pull = *std::max_element(message_.begin(), message_.end());  // the slices come together
  const sim::VirtualNs pushed =
      t + pull + sim::to_ns(compute_s * cost_.speed_of(w)) + sim::to_ns(run_.delays().next(w));
  for (int s = 0; s < shards_; ++s) events_.schedule(pushed + message_[s], EventKind::kPushArrives, w, s);
}

// Shard s lets worker w go at t; once every shard has, w pulls again.
void SimRun::release(int w, sim::VirtualNs t) {
  ready_at_[w] = std::max(ready_at_[w], t);
  if (--pending_[w] == 0) serve(w, ready_at_[w]);
}

// A gradient reaches the driver. On a free server (no driver, no PS costs:
// the committed suites) the PS handles it at once, as it always did;
// otherwise it passes the driver (FIFO, dispatch_ms each, blocked by the
// driver's evaluations) and then queues for the PS.
void SimRun::on_arrival(int w, int s, sim::VirtualNs t) {
  if (!serial_costs_) return handle_push(w, s, t);
  events_.schedule(through_driver(t), EventKind::kAtServer, w, s);
}

sim::VirtualNs SimRun::through_driver(sim::VirtualNs t) {
  while (next_driver_eval_ <= t) {  // timed evaluations that began before this gradient
    block_driver(next_driver_eval_);
    next_driver_eval_ += sim::to_ns(cost_.driver_eval_seconds);
  }
  driver_free_at_ = std::max(t, driver_free_at_) + sim::to_ns(cost_.dispatch_ms * 1e-3);
  ++dispatched_;
  // Ray's driver loop evaluates after every N-th gradient it dispatches (unit = gradients).
  if (cost_.evaluates_every(sim::DriverEvalUnit::kGradients) &&
      dispatched_ % static_cast<uint64_t>(cost_.driver_eval_every) == 0)
    block_driver(driver_free_at_);
  return driver_free_at_;
}

void SimRun::block_driver(sim::VirtualNs from) {
  driver_free_at_ = std::max(driver_free_at_, from) + sim::to_ns(cost_.driver_eval_ms * 1e-3);
  ++driver_evaluations_;
}

// Each shard serves one gradient at a time, in the order they pass the driver.
void SimRun::on_at_server(int w, int s, sim::VirtualNs t) {
  queues_[s].push_back(w);
  serve_queue(s, t);
}

// While shard s is free at t, it takes the next queued gradient; one that
// costs it nothing (a buffered gradient with G = 0) leaves it free for the next.
void SimRun::serve_queue(int s, sim::VirtualNs t) {
  std::deque<int>& queue = queues_[s];
  while (!queue.empty() && free_at_[s] <= t && !run_.stopping()) {
    const int w = queue.front();
    queue.pop_front();
    handle_push(w, s, t);
  }
}

// One server: the harness's push. Sharded: w's slice to shard s, and the
// gradient counted (loss, samples) when its last slice is handled.
PushOutcome SimRun::push_to_shard(int w, int s, sim::VirtualNs start) {
  const float* gradient = workers_[w]->gradient().data();
  if (shards_ == 1) return run_.push(w, base_version_[w], gradient, loss_[w], sim::to_seconds(start));
  const PushOutcome out = run_.push_slice(s, w, base_version_[w * shards_ + s], gradient + servers_.slice(s).begin,
                                          sim::to_seconds(start));
  if (++slices_handled_[w] == shards_) run_.record_gradient(loss_[w], sim::to_seconds(start));
  return out;
}

// Shard s handles w's slice from `start`; the update (if any) is visible at
// once and the shard is busy until `done`, when it lets w (and the workers
// that waited for this update) go: they pull again once every shard has.
void SimRun::handle_push(int w, int s, sim::VirtualNs start) {
  ++handled_;
  ParameterServer& shard = servers_.shard(s);
  const PushOutcome out = push_to_shard(w, s, start);
  const bool applied = out.status == PushOutcome::Status::kApplied;
  const sim::VirtualNs update = sim::to_ns(cost_.ps_update_ms * share_[s] * 1e-3) +
                                sim::to_ns(cost_.ps_update_fixed_ms * 1e-3);  // the fixed part: every shard, in full
  const sim::VirtualNs done = start + sim::to_ns(cost_.ps_gradient_ms * share_[s] * 1e-3) + (applied ? update : 0);
  free_at_[s] = done;
  busy_ns_[s] += done - start;
  shard.record_service(sim::to_seconds(done - start), applied);  // --schedule adaptive measures this (virtual)
  if (done > start) events_.schedule(done, EventKind::kServerFree, -1, s);
  if (run_.stopping()) {  // the run ends with this push; nobody is served again
    cut_short_ = true;
    return;
  }
  const sim::VirtualNs released = applied ? release_time(done) : done;
  std::vector<int>& waiting = waiting_[s];
  if (applied) {  // in worker order, so that events tie-break as they always have
    std::sort(waiting.begin(), waiting.end());
    for (int other : waiting) release(other, released);
    waiting.clear();
  }
  if (waits_for_apply_ && out.status == PushOutcome::Status::kBuffered) {
    waiting.push_back(w);
  } else if (!out.must_wait) {  // SSP: a worker too far ahead waits until the PS releases it
    release(w, waits_for_apply_ ? released : done);
  }
  for (int other : shard.take_released()) release(other, done);  // SSP: the slowest caught up
}

// When the workers that waited for the update applied at `done` pull again.
// With driver evaluations every N updates (unit = updates), the N-th update
// is followed by an evaluation in the driver, as in Ray's loop: in sync the
// next round's tasks start after it; in async the pushing worker's next task
// was already dispatched, and the gradients behind it wait in the driver.
sim::VirtualNs SimRun::release_time(sim::VirtualNs done) {
  if (!cost_.evaluates_every(sim::DriverEvalUnit::kUpdates) ||
      servers_.shard(0).version() % static_cast<uint64_t>(cost_.driver_eval_every) != 0)
    return done;
  block_driver(done);
  return driver_free_at_;
}

void SimRun::evaluate_at(sim::VirtualNs t) {
  Stopwatch eval_clock;
  run_.evaluate(sim::to_seconds(t));
  eval_real_seconds_ += eval_clock.seconds();
}

// A new run: every worker pulls version 0 (at its start time), evaluation every --eval-every.
void SimRun::start_fresh() {
  const int n = config_.workers();
  if (cost_.compute == sim::ComputeCost::kCalibrated) calibrate();
  const sim::VirtualNs eval_every = sim::to_ns(config_.eval.every_seconds);
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
}

RunResult SimRun::train() {
  const int n = config_.workers();
  model_ = run_.factory()(config_.seed);
  model_->set_thread_independent(true);  // the same run whatever --threads is (docs/simulator.md)
  auto shards = all_shards(run_.data().train.size(), n, config_.seed);
  for (int w = 0; w < n; ++w)
    workers_.push_back(std::make_unique<GradientWorker>(w, *model_, run_.data(), std::move(shards[w]),
                                                        config_.batch_size, config_.seed));
  base_version_.assign(static_cast<size_t>(n) * shards_, 0);
  loss_.assign(n, NAN);
  pending_.assign(n, shards_);
  ready_at_.assign(n, 0);
  slices_handled_.assign(n, 0);
  for (std::vector<int>& waiting : waiting_) waiting.reserve(n);
  if (run_.resumed_from() != nullptr) {
    restore(*run_.resumed_from());
  } else {
    start_fresh();
  }
  const sim::VirtualNs budget = config_.budget.seconds > 0 ? sim::to_ns(config_.budget.seconds) : INT64_MAX;
  const sim::VirtualNs eval_every = sim::to_ns(config_.eval.every_seconds);
  checkpoint_every_ = sim::to_ns(config_.checkpoint_every);
  if (checkpoint_every_ > 0) {  // the first multiple of the period after the start (or the checkpoint)
    const sim::VirtualNs from = run_.resumed_from() != nullptr ? sim::to_ns(checkpoint_time(*run_.resumed_from())) : 0;
    next_checkpoint_ = (from / checkpoint_every_ + 1) * checkpoint_every_;
  }
  while (!events_.empty() && !run_.stopping()) {
    if (events_.next().time > budget) {
      now_ = budget;
      run_.stop(RunStatus::kFinished, "time budget reached");
      break;
    }
    maybe_checkpoint(events_.next().time);
    const sim::Event e = events_.pop();
    now_ = e.time;
    if (e.kind == EventKind::kEvaluate) {
      evaluate_at(e.time);
      events_.schedule(e.time + eval_every, EventKind::kEvaluate, -1);
    } else if (e.kind == EventKind::kWorkerStarts) {
      serve(e.worker, e.time);
    } else if (e.kind == EventKind::kAtServer) {
      on_at_server(e.worker, e.shard, e.time);
    } else if (e.kind == EventKind::kServerFree) {
      serve_queue(e.shard, e.time);
    } else {
      on_arrival(e.worker, e.shard, e.time);
    }
    if ((handled_ & 63) == 0) run_.show_progress(sim::to_seconds(now_), wall_.seconds(), "(virtual)");
  }
  if (checkpoint_every_ > 0 && !cut_short_) save_checkpoint(now_);  // a clean stop: resumable from here
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

// Per shard: the share of the run's virtual time it spent serving gradients.
std::vector<double> SimRun::busy_fractions() const {
  std::vector<double> fractions;
  for (sim::VirtualNs busy : busy_ns_) fractions.push_back(now_ > 0 ? static_cast<double>(busy) / now_ : 0.0);
  return fractions;
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
            {"server_busy_fraction", busy_fractions()},
            {"events_per_overhead_second", overhead > 0 ? static_cast<double>(handled_) / overhead : 0.0}}}};
}

}  // namespace sim_detail

namespace {

class SimRuntime : public Runtime {
 public:
  // Virtual time; one worker computes at a time (every core), in event order,
  // sharing one model.
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.virtual_time = true;
    t.max_servers = 64;
    return t;
  }
  RunResult train(RunHarness& run) override { return sim_detail::SimRun(run).train(); }
};

}  // namespace

std::unique_ptr<Runtime> make_sim_runtime() { return std::make_unique<SimRuntime>(); }

}  // namespace hsgd