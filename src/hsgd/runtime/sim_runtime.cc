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
//                   SSP: w waits while it is too far ahead; the PS names the
//                   workers a push releases, and they are served at `done`
// Memory: one Model shared by all workers (they compute one at a time), and
// per worker its shard indices and one gradient: what is really in flight.
//
// Checkpoints (--checkpoint-every): at every multiple T of the period, once
// every event at or before T is handled, and once more when the run stops
// between events (its time budget, a signal, the target accuracy), the whole
// state goes into checkpoint.bin: the harness's and the PS's, the event queue,
// every worker's gradient in flight, its version and loss, its minibatch
// order, and the driver's and PS's clocks. A run resumed from it goes on
// exactly as the run that wrote it would have, bit for bit.
#include "hsgd/runtime/sim_runtime.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <nlohmann/json.hpp>

#include "hsgd/common/checkpoint_file.h"
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
  sim::VirtualNs release_time(sim::VirtualNs done);
  void evaluate_at(sim::VirtualNs t);
  void start_fresh();
  void maybe_checkpoint(sim::VirtualNs next_event);
  void save_checkpoint(sim::VirtualNs t);
  void add_state(CheckpointFile& file, sim::VirtualNs t) const;
  void restore(const CheckpointFile& file);
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
  sim::VirtualNs checkpoint_every_ = 0;          // 0: no checkpoints
  sim::VirtualNs next_checkpoint_ = INT64_MAX;
  bool cut_short_ = false;  // the run stopped inside an event: no checkpoint at the stop
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
  ps_.record_service(sim::to_seconds(done - start), applied);  // --schedule adaptive measures this (virtual)
  if (done > start) events_.schedule(done, EventKind::kServerFree, -1);
  if (run_.stopping()) {  // the run ends with this push; nobody is served again
    cut_short_ = true;
    return;
  }
  const sim::VirtualNs released = applied ? release_time(done) : done;
  if (applied) {  // in worker order, so that events tie-break as they always have
    std::sort(waiting_.begin(), waiting_.end());
    for (int other : waiting_) serve(other, released);
    waiting_.clear();
  }
  if (waits_for_apply_ && out.status == PushOutcome::Status::kBuffered) {
    waiting_.push_back(w);
  } else if (!out.must_wait) {  // SSP: a worker too far ahead waits until the PS releases it
    serve(w, waits_for_apply_ ? released : done);
  }
  for (int other : ps_.take_released()) serve(other, done);  // SSP: the slowest caught up
}

// When the workers that waited for the update applied at `done` pull again.
// With driver evaluations every N updates (unit = updates), the N-th update
// is followed by an evaluation in the driver, as in Ray's loop: in sync the
// next round's tasks start after it; in async the pushing worker's next task
// was already dispatched, and the gradients behind it wait in the driver.
sim::VirtualNs SimRun::release_time(sim::VirtualNs done) {
  if (!cost_.evaluates_every(sim::DriverEvalUnit::kUpdates) ||
      ps_.version() % static_cast<uint64_t>(cost_.driver_eval_every) != 0)
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
  base_version_.assign(n, 0);
  loss_.assign(n, NAN);
  waiting_.reserve(n);
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
      on_at_server(e.worker, e.time);
    } else if (e.kind == EventKind::kServerFree) {
      on_server_free(e.time);
    } else {
      on_arrival(e.worker, e.time);
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

// Called before the event at `next_event`: a checkpoint is due once every
// event at or before its time is handled.
void SimRun::maybe_checkpoint(sim::VirtualNs next_event) {
  if (checkpoint_every_ <= 0 || next_checkpoint_ >= next_event) return;
  save_checkpoint(next_checkpoint_);
  // The next one: the first multiple of the period at or after the coming event.
  next_checkpoint_ = (next_event + checkpoint_every_ - 1) / checkpoint_every_ * checkpoint_every_;
}

void SimRun::save_checkpoint(sim::VirtualNs t) {
  run_.save_checkpoint(sim::to_seconds(t), [&](CheckpointFile& file) { add_state(file, t); });
}

namespace {
// The "sim/clock" slots.
enum ClockSlot : size_t { kCheckpointAt, kNow, kPsFreeAt, kDriverFreeAt, kNextDriverEval, kDispatched,
                          kDriverEvaluations, kNextSeq, kClockSlots };
constexpr size_t kEventWords = 4;  // time, kind, worker, seq
}  // namespace

void SimRun::add_state(CheckpointFile& file, sim::VirtualNs t) const {
  const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
  file.set_u64s("sim/clock", {u(t), u(now_), u(ps_free_at_), u(driver_free_at_), u(next_driver_eval_), dispatched_,
                              driver_evaluations_, events_.next_seq()});
  std::vector<uint64_t> events;
  for (const sim::Event& e : events_.contents())
    events.insert(events.end(), {u(e.time), u(static_cast<int>(e.kind)), u(e.worker), e.seq});
  file.set_u64s("sim/events", events);
  file.set_u64s("sim/base_version", base_version_);
  file.set_f64s("sim/loss", loss_);
  const size_t p = ps_.num_params();
  std::vector<float> gradients(workers_.size() * p);
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(workers_[w]->gradient().begin(), workers_[w]->gradient().end(), gradients.begin() + w * p);
  file.set_floats("sim/gradients", gradients.data(), gradients.size());
  save_samplers(file, "sim/samplers", workers_);
  file.set_u64s("sim/waiting", std::vector<uint64_t>(waiting_.begin(), waiting_.end()));
  file.set_u64s("sim/server_queue", std::vector<uint64_t>(server_queue_.begin(), server_queue_.end()));
  file.set_f64s("sim/compute_ms", {cost_.compute_ms, calibrated_ms_});
}

// Everything is read and checked before anything is changed; a bad section
// is a CheckpointError that names it.
void SimRun::restore(const CheckpointFile& file) {
  const std::string& where = file.where();
  const auto bad = [&](const std::string& section, const std::string& what) {
    return CheckpointError(where + ": section '" + section + "': " + what);
  };
  const int64_t n = config_.workers();
  const std::vector<uint64_t> clock = file.u64s("sim/clock", kClockSlots);
  const auto ns = [&](size_t slot) { return static_cast<sim::VirtualNs>(clock[slot]); };
  if (ns(kNow) < 0 || ns(kCheckpointAt) < ns(kNow)) throw bad("sim/clock", "its times are out of order");
  const std::vector<uint64_t> raw = file.u64s("sim/events", file.count8("sim/events"));
  if (raw.size() % kEventWords != 0) throw bad("sim/events", "not a whole number of events");
  std::vector<sim::Event> events;
  for (size_t i = 0; i < raw.size(); i += kEventWords) {
    const sim::Event e{static_cast<sim::VirtualNs>(raw[i]), static_cast<EventKind>(raw[i + 1]),
                       static_cast<int>(static_cast<int64_t>(raw[i + 2])), raw[i + 3]};
    if (e.time < ns(kNow) || raw[i + 1] > static_cast<uint64_t>(EventKind::kWorkerStarts) ||
        static_cast<int64_t>(raw[i + 2]) < -1 || static_cast<int64_t>(raw[i + 2]) >= n || e.seq >= clock[kNextSeq])
      throw bad("sim/events", "event " + std::to_string(i / kEventWords) + " is not a valid event of this run");
    events.push_back(e);
  }
  std::vector<uint64_t> base_version = file.u64s("sim/base_version", n);
  for (uint64_t v : base_version)
    if (v > ps_.version()) throw bad("sim/base_version", "a version newer than the server's");
  std::vector<double> loss = file.f64s("sim/loss", n);
  const std::vector<float> gradients = file.floats("sim/gradients", n * ps_.num_params());
  const auto worker_list = [&](const char* section) {
    const std::vector<uint64_t> list = file.u64s(section, file.count8(section));
    if (list.size() > static_cast<size_t>(n)) throw bad(section, "more entries than workers");
    for (uint64_t w : list)
      if (w >= static_cast<uint64_t>(n)) throw bad(section, "worker " + std::to_string(w) + " does not exist");
    return list;
  };
  const std::vector<uint64_t> waiting = worker_list("sim/waiting");
  const std::vector<uint64_t> queue = worker_list("sim/server_queue");
  const std::vector<double> compute = file.f64s("sim/compute_ms", 2);
  if (!(compute[0] > 0 && compute[0] < 3.6e6)) throw bad("sim/compute_ms", "compute time out of range");
  restore_samplers(file, "sim/samplers", workers_);  // checked and restored (nothing else changed yet)
  // Checked: now the state.
  now_ = ns(kNow);
  ps_free_at_ = ns(kPsFreeAt);
  driver_free_at_ = ns(kDriverFreeAt);
  next_driver_eval_ = ns(kNextDriverEval);
  dispatched_ = clock[kDispatched];
  driver_evaluations_ = clock[kDriverEvaluations];
  events_.restore(events, clock[kNextSeq]);
  base_version_ = std::move(base_version);
  loss_ = std::move(loss);
  const size_t p = ps_.num_params();
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(gradients.begin() + w * p, gradients.begin() + (w + 1) * p, workers_[w]->gradient_data());
  waiting_.assign(waiting.begin(), waiting.end());
  server_queue_.assign(queue.begin(), queue.end());
  cost_.compute_ms = compute[0];
  calibrated_ms_ = compute[1];
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
  // Virtual time; one worker computes at a time (every core), in event order,
  // sharing one model.
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.virtual_time = true;
    return t;
  }
  RunResult train(RunHarness& run) override { return SimRun(run).train(); }
};

}  // namespace

std::unique_ptr<Runtime> make_sim_runtime() { return std::make_unique<SimRuntime>(); }

}  // namespace hsgd
