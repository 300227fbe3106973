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
// Sharded server (--servers S > 1; docs/simulator.md): S servers, each with
// its own FIFO queue, its own link (a slice of b bytes takes latency +
// b / bandwidth) and its share of the PS costs by bytes. A worker is served
// its next pull once every shard has let it go (each as above); its pull
// takes the slowest shard's message, and it pushes every slice at once, each
// arriving after its own shard's message time.
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
  explicit SimRun(RunHarness& run);
  RunResult train();

 private:
  void calibrate();
  void serve(int w, sim::VirtualNs t);
  const float* params_to_serve();
  void on_arrival(int w, int s, sim::VirtualNs t);
  sim::VirtualNs through_driver(sim::VirtualNs t);
  void block_driver(sim::VirtualNs from);
  void on_at_server(int w, int s, sim::VirtualNs t);
  void serve_queue(int s, sim::VirtualNs t);
  void handle_push(int w, int s, sim::VirtualNs start);
  PushOutcome push_to_shard(int w, int s, sim::VirtualNs start);
  void release(int w, sim::VirtualNs t);
  sim::VirtualNs release_time(sim::VirtualNs done);
  void evaluate_at(sim::VirtualNs t);
  void start_fresh();
  void maybe_checkpoint(sim::VirtualNs next_event);
  void save_checkpoint(sim::VirtualNs t);
  void add_state(CheckpointFile& file, sim::VirtualNs t) const;
  void add_shard_state(CheckpointFile& file) const;
  void restore(const CheckpointFile& file);
  void restore_shard_state(const CheckpointFile& file, std::vector<sim::Event>& events);
  nlohmann::json summary_fields() const;
  std::vector<double> busy_fractions() const;

  RunHarness& run_;
  const TrainConfig& config_;
  ShardedServer& servers_;
  const int shards_;  // --servers
  sim::CostModel cost_;  // compute_ms becomes the measured value when calibrated
  const bool waits_for_apply_;
  // Per shard: its share of the parameters' bytes (of the PS costs) and the
  // time one message of its slice takes on its link.
  std::vector<double> share_;
  std::vector<sim::VirtualNs> message_;

  std::unique_ptr<Model> model_;  // shared by all workers
  std::vector<std::unique_ptr<GradientWorker>> workers_;
  std::vector<uint64_t> base_version_;  // [w * shards_ + s]: shard s's version w pulled
  std::vector<double> loss_;
  // Per shard: workers waiting for its update (wait = applied), in no order.
  std::vector<std::vector<int>> waiting_;
  // Per worker: shards that have not yet let it go since its last pull, the
  // latest time one did, and the slices of its gradient handled so far.
  std::vector<int> pending_;
  std::vector<sim::VirtualNs> ready_at_;
  std::vector<int> slices_handled_;
  std::vector<float> gathered_;  // S > 1: the shards' slices, served as one buffer
  sim::EventQueue events_;
  std::vector<sim::VirtualNs> free_at_;  // per shard: when it has finished its current gradient
  std::vector<sim::VirtualNs> busy_ns_;  // per shard: virtual time spent serving
  // A driver or PS that costs time: gradients then queue (on_arrival).
  const bool serial_costs_ = cost_.dispatch_ms > 0 || cost_.ps_gradient_ms > 0 || cost_.ps_update_ms > 0 ||
                             cost_.has_driver_eval();
  std::vector<std::deque<int>> queues_;  // per shard: workers whose slice waits for it, in order
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
  const sim::VirtualNs done = start + sim::to_ns(cost_.ps_gradient_ms * share_[s] * 1e-3) +
                              (applied ? sim::to_ns(cost_.ps_update_ms * share_[s] * 1e-3) : 0);
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
  file.set_u64s("sim/clock", {u(t), u(now_), u(free_at_[0]), u(driver_free_at_), u(next_driver_eval_), dispatched_,
                              driver_evaluations_, events_.next_seq()});
  std::vector<uint64_t> events;
  for (const sim::Event& e : events_.contents())
    events.insert(events.end(), {u(e.time), u(static_cast<int>(e.kind)), u(e.worker), e.seq});
  file.set_u64s("sim/events", events);
  file.set_u64s("sim/base_version", base_version_);
  file.set_f64s("sim/loss", loss_);
  const size_t p = servers_.num_params();
  std::vector<float> gradients(workers_.size() * p);
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(workers_[w]->gradient().begin(), workers_[w]->gradient().end(), gradients.begin() + w * p);
  file.set_floats("sim/gradients", gradients.data(), gradients.size());
  save_samplers(file, "sim/samplers", workers_);
  file.set_u64s("sim/waiting", std::vector<uint64_t>(waiting_[0].begin(), waiting_[0].end()));
  file.set_u64s("sim/server_queue", std::vector<uint64_t>(queues_[0].begin(), queues_[0].end()));
  file.set_f64s("sim/compute_ms", {cost_.compute_ms, calibrated_ms_});
  if (shards_ > 1) add_shard_state(file);
}

// --servers S > 1: what the sections above hold for shard 0 only (its
// queue, its waiting workers, its clock), for every shard; each worker's
// progress through its shards; the events' shards, in "sim/events"' order.
void SimRun::add_shard_state(CheckpointFile& file) const {
  const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
  std::vector<uint64_t> event_shards, clocks, workers;
  for (const sim::Event& e : events_.contents()) event_shards.push_back(u(e.shard));
  file.set_u64s("sim/event_shards", event_shards);
  for (int s = 0; s < shards_; ++s) clocks.insert(clocks.end(), {u(free_at_[s]), u(busy_ns_[s])});
  file.set_u64s("sim/shard_clocks", clocks);
  for (int s = 1; s < shards_; ++s) {
    const std::string prefix = "sim/shard" + std::to_string(s);
    file.set_u64s(prefix + "/waiting", std::vector<uint64_t>(waiting_[s].begin(), waiting_[s].end()));
    file.set_u64s(prefix + "/queue", std::vector<uint64_t>(queues_[s].begin(), queues_[s].end()));
  }
  for (size_t w = 0; w < pending_.size(); ++w)
    workers.insert(workers.end(), {u(pending_[w]), u(ready_at_[w]), u(slices_handled_[w])});
  file.set_u64s("sim/worker_shards", workers);
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
  std::vector<uint64_t> base_version = file.u64s("sim/base_version", n * shards_);
  for (size_t i = 0; i < base_version.size(); ++i)
    if (base_version[i] > servers_.shard(static_cast<int>(i % shards_)).version())
      throw bad("sim/base_version", "a version newer than the server's");
  std::vector<double> loss = file.f64s("sim/loss", n);
  const std::vector<float> gradients = file.floats("sim/gradients", n * servers_.num_params());
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
  if (shards_ > 1) restore_shard_state(file, events);  // checked and restored (nothing else changed yet)
  restore_samplers(file, "sim/samplers", workers_);   // checked and restored (nothing else changed yet)
  // Checked: now the state.
  now_ = ns(kNow);
  free_at_[0] = ns(kPsFreeAt);
  driver_free_at_ = ns(kDriverFreeAt);
  next_driver_eval_ = ns(kNextDriverEval);
  dispatched_ = clock[kDispatched];
  driver_evaluations_ = clock[kDriverEvaluations];
  events_.restore(events, clock[kNextSeq]);
  base_version_ = std::move(base_version);
  loss_ = std::move(loss);
  const size_t p = servers_.num_params();
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(gradients.begin() + w * p, gradients.begin() + (w + 1) * p, workers_[w]->gradient_data());
  waiting_[0].assign(waiting.begin(), waiting.end());
  queues_[0].assign(queue.begin(), queue.end());
  cost_.compute_ms = compute[0];
  calibrated_ms_ = compute[1];
}

// The sharded part of a checkpoint (add_shard_state): checked, then set;
// shard 0's queue, waiting workers and clock are restore()'s.
void SimRun::restore_shard_state(const CheckpointFile& file, std::vector<sim::Event>& events) {
  const auto bad = [&](const std::string& section, const std::string& what) {
    return CheckpointError(file.where() + ": section '" + section + "': " + what);
  };
  const size_t n = workers_.size();
  const std::vector<uint64_t> event_shards = file.u64s("sim/event_shards", events.size());
  const std::vector<uint64_t> clocks = file.u64s("sim/shard_clocks", 2 * static_cast<size_t>(shards_));
  const std::vector<uint64_t> progress = file.u64s("sim/worker_shards", 3 * n);
  std::vector<std::vector<uint64_t>> waiting(shards_), queues(shards_);
  for (int s = 1; s < shards_; ++s) {
    const std::string prefix = "sim/shard" + std::to_string(s);
    waiting[s] = file.u64s(prefix + "/waiting", file.count8(prefix + "/waiting"));
    queues[s] = file.u64s(prefix + "/queue", file.count8(prefix + "/queue"));
    for (const auto* list : {&waiting[s], &queues[s]})
      for (uint64_t w : *list)
        if (w >= n) throw bad(prefix, "worker " + std::to_string(w) + " does not exist");
  }
  for (uint64_t shard : event_shards)
    if (shard >= static_cast<uint64_t>(shards_)) throw bad("sim/event_shards", "a shard this run does not have");
  for (size_t w = 0; w < n; ++w)
    if (progress[3 * w] > static_cast<uint64_t>(shards_) || progress[3 * w + 2] > static_cast<uint64_t>(shards_))
      throw bad("sim/worker_shards", "worker " + std::to_string(w) + " counts more shards than this run has");
  for (size_t i = 0; i < events.size(); ++i) events[i].shard = static_cast<int>(event_shards[i]);
  for (int s = 0; s < shards_; ++s) {
    free_at_[s] = static_cast<sim::VirtualNs>(clocks[2 * s]);
    busy_ns_[s] = static_cast<sim::VirtualNs>(clocks[2 * s + 1]);
    if (s == 0) continue;
    waiting_[s].assign(waiting[s].begin(), waiting[s].end());
    queues_[s].assign(queues[s].begin(), queues[s].end());
  }
  for (size_t w = 0; w < n; ++w) {
    pending_[w] = static_cast<int>(progress[3 * w]);
    ready_at_[w] = static_cast<sim::VirtualNs>(progress[3 * w + 1]);
    slices_handled_[w] = static_cast<int>(progress[3 * w + 2]);
  }
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
  RunResult train(RunHarness& run) override { return SimRun(run).train(); }
};

}  // namespace

std::unique_ptr<Runtime> make_sim_runtime() { return std::make_unique<SimRuntime>(); }

}  // namespace hsgd
