// sim_runtime.cc: the discrete-event loop around the shared PS core.
//
// Worker cycle in virtual time (t = when the PS serves the worker's pull):
//   serve(w, t):    the PS sends parameters of version v; the gradient is computed
//                   now, for real, on exactly those parameters
//   arrival      =  t + pull message + compute(w) + delay(w) + push message
//   at arrival:     the PS (one message at a time) handles the push:
//                   start = max(arrival, PS free), done = start + PS costs
//                   wait=none, or the push was applied/dropped: serve(w, done)
//                   wait=applied and buffered: w waits; when an update is applied
//                   at `done`, every waiting worker is served at `done` (by id)
// Memory: one Model shared by all workers (they compute one at a time), and
// per worker its shard indices and one gradient: what is really in flight.
#include "hsgd/runtime/sim_runtime.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/runtime/run_setup.h"
#include "hsgd/runtime/snapshot_evaluator.h"
#include "hsgd/sim/cost_model.h"
#include "hsgd/sim/event_queue.h"
#include "hsgd/train/single_worker_trainer.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

using sim::EventKind;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

sim::CostModel cost_model_of(const TrainConfig& c) {
  sim::CostModel m;
  m.compute = c.sim_compute;
  m.compute_ms = c.sim_compute_ms;
  m.speed = sim::parse_speed_factors(c.sim_speeds);
  m.latency_ms = c.sim_latency_ms;
  m.bandwidth_mb_s = c.sim_bandwidth_mb_s;
  m.ps_gradient_ms = c.sim_ps_gradient_ms;
  m.ps_update_ms = c.sim_ps_update_ms;
  return m;
}

class SimRun {
 public:
  SimRun(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log)
      : config_(config),
        data_(data),
        factory_(factory),
        log_(log),
        ps_(make_parameter_server(config, factory)),
        delays_(make_delay_model(config)),
        cost_(cost_model_of(config)),
        wait_applied_(config.mode == "sync" || (config.mode == "hybrid" && config.wait == "applied")) {}

  RunResult run();

 private:
  void calibrate();
  void serve(int w, sim::VirtualNs t);
  void on_arrival(int w, sim::VirtualNs t);
  bool budget_reached() const;
  double fraction_done(double t) const;

  const TrainConfig& config_;
  const Dataset& data_;
  const ModelFactory& factory_;
  std::FILE* log_;
  std::unique_ptr<ParameterServer> ps_;
  DelayModel delays_;
  sim::CostModel cost_;
  bool wait_applied_;

  std::unique_ptr<Model> model_;  // shared by all workers
  std::vector<std::unique_ptr<GradientWorker>> workers_;
  std::vector<uint64_t> base_version_;
  std::vector<double> loss_;
  std::vector<char> waiting_;
  sim::EventQueue events_;
  sim::VirtualNs ps_free_at_ = 0;
  sim::VirtualNs now_ = 0;  // virtual time of the event being handled
  WorkerProgress progress_;
  double compute_real_seconds_ = 0;  // real time spent computing gradients
  double eval_real_seconds_ = 0;
  double calibrated_ms_ = -1;
};

void SimRun::calibrate() {
  // A throwaway worker, so the real workers' batch sequences stay as in `fixed` mode.
  GradientWorker probe(0, *model_, data_, shard_indices(data_.train.size(), 1, 0, config_.seed + 1),
                       config_.batch_size, config_.seed + 1);
  std::vector<double> times;
  for (int i = 0; i < 12; ++i) {
    const double start = thread_cpu_seconds();
    probe.compute(ps_->params().data());
    if (i >= 2) times.push_back(thread_cpu_seconds() - start);  // two warm-up steps
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  calibrated_ms_ = times[times.size() / 2] * 1e3;
  cost_.compute_ms = calibrated_ms_;
  if (log_ != nullptr) std::fprintf(log_, "hsgd: calibrated compute time %.3f ms per minibatch\n", calibrated_ms_);
}

void SimRun::serve(int w, sim::VirtualNs t) {
  GradientWorker& worker = *workers_[w];
  base_version_[w] = ps_->version();
  const double cpu_start = thread_cpu_seconds();
  Stopwatch real;
  loss_[w] = worker.compute(ps_->params().data());
  compute_real_seconds_ += real.seconds();
  const double compute_s = cost_.compute == "measured" ? (thread_cpu_seconds() - cpu_start)
                                                       : cost_.compute_ms * 1e-3;
  const double bytes = static_cast<double>(ps_->num_params() * sizeof(float));
  const sim::VirtualNs message = sim::to_ns(cost_.message_seconds(bytes));
  const sim::VirtualNs arrival =
      t + message + sim::to_ns(compute_s * cost_.speed_of(w)) + sim::to_ns(delays_.next(w)) + message;
  events_.schedule(arrival, EventKind::kPushArrives, w);
}

void SimRun::on_arrival(int w, sim::VirtualNs t) {
  const sim::VirtualNs start = std::max(t, ps_free_at_);
  const PushOutcome out = ps_->push(w, base_version_[w], workers_[w]->gradient().data(), sim::to_seconds(start));
  const bool applied = out.status == PushOutcome::Status::kApplied;
  const sim::VirtualNs done =
      start + sim::to_ns(cost_.ps_gradient_ms * 1e-3) + (applied ? sim::to_ns(cost_.ps_update_ms * 1e-3) : 0);
  ps_free_at_ = done;
  progress_.record(config_.batch_size, loss_[w]);
  if (budget_reached()) return;  // the run ends with this push; nobody is served again
  if (applied) {
    for (int other = 0; other < static_cast<int>(workers_.size()); ++other)
      if (waiting_[other]) {
        waiting_[other] = 0;
        serve(other, done);
      }
  }
  if (wait_applied_ && out.status == PushOutcome::Status::kBuffered) {
    waiting_[w] = 1;
  } else {
    serve(w, done);
  }
}

double SimRun::fraction_done(double t) const {
  return budget_fraction(config_, ps_->accounting(), progress_.samples, data_.train.size(), t);
}

// Every budget but time, which the event loop checks against event times.
bool SimRun::budget_reached() const {
  return budget_fraction(config_, ps_->accounting(), progress_.samples, data_.train.size(), 0.0) >= 1.0;
}

RunResult SimRun::run() {
  Stopwatch wall;
  std::filesystem::create_directories(config_.out_dir);
  const int n = config_.workers;
  model_ = factory_(config_.seed);
  check_model_fits_data(*model_, data_);
  auto shards = all_shards(data_.train.size(), n, config_.seed);
  for (int w = 0; w < n; ++w)
    workers_.push_back(
        std::make_unique<GradientWorker>(w, *model_, data_, std::move(shards[w]), config_.batch_size, config_.seed));
  base_version_.assign(n, 0);
  loss_.assign(n, NAN);
  waiting_.assign(n, 0);
  if (cost_.compute == "calibrated") calibrate();

  RunResult result;
  RowRecorder record(config_, result);
  SnapshotEvaluator evaluator(factory_(config_.seed), data_, config_.eval_batch, /*background=*/false,
                              [&](const MetricsRow& row) { record(row); });
  auto evaluate_at = [&](sim::VirtualNs t) {
    Stopwatch eval_clock;
    evaluator.submit(take_snapshot(*ps_, progress_, data_.train.size(), sim::to_seconds(t)));
    eval_real_seconds_ += eval_clock.seconds();
  };

  const sim::VirtualNs eval_every = sim::to_ns(config_.eval_every_seconds);
  const sim::VirtualNs budget = config_.seconds > 0 ? sim::to_ns(config_.seconds) : INT64_MAX;
  evaluate_at(0);
  for (int w = 0; w < n; ++w) serve(w, 0);  // every worker pulls version 0 at t = 0
  events_.schedule(eval_every, EventKind::kEvaluate, -1);

  ProgressLine progress(log_ != nullptr ? log_ : stderr);
  uint64_t handled = 0;
  sim::VirtualNs last_eval_time = 0;
  while (!events_.empty()) {
    if (events_.next().time > budget) {
      now_ = budget;
      break;
    }
    const sim::Event e = events_.pop();
    now_ = e.time;
    if (e.kind == EventKind::kEvaluate) {
      evaluate_at(e.time);
      last_eval_time = e.time;
      events_.schedule(e.time + eval_every, EventKind::kEvaluate, -1);
    } else {
      on_arrival(e.worker, e.time);
      ++handled;
      if (budget_reached()) break;
    }
    if (log_ != nullptr && (handled & 63) == 0) {
      char detail[200];
      const Accounting& a = ps_->accounting();
      const double now_s = sim::to_seconds(now_);
      std::snprintf(detail, sizeof detail, "%s  virtual %.1fs  grads %llu  updates %llu  K %d", config_.mode.c_str(),
                    now_s, (unsigned long long)a.received, (unsigned long long)a.updates, ps_->current_k(now_s));
      progress.update(fraction_done(now_s), wall.seconds(), detail);
    }
  }
  if (result.rows.empty() || last_eval_time < now_) evaluate_at(now_);
  if (log_ != nullptr) progress.finish();

  result.train_seconds = sim::to_seconds(now_);  // virtual
  result.wall_seconds = wall.seconds();
  HSGD_CHECK(ps_->accounting().balances(), "gradient accounting does not balance");
  nlohmann::json summary = ps_run_summary(config_, data_, result, *ps_, delays_);
  summary["time"] = "virtual";
  summary["simulator"] = {{"compute", cost_.compute},
                          {"compute_ms", cost_.compute == "measured" ? nlohmann::json() : nlohmann::json(cost_.compute_ms)},
                          {"calibrated_compute_ms", calibrated_ms_ >= 0 ? nlohmann::json(calibrated_ms_) : nlohmann::json()},
                          {"reproducible", cost_.compute != "measured"},
                          {"real_seconds", result.wall_seconds},
                          {"real_seconds_computing_gradients", compute_real_seconds_},
                          {"real_seconds_evaluating", eval_real_seconds_},
                          {"overhead_fraction",
                           result.wall_seconds > 0
                               ? (result.wall_seconds - compute_real_seconds_ - eval_real_seconds_) / result.wall_seconds
                               : 0.0},
                          {"events", handled}};
  summary["samples_per_second"] = now_ > 0 ? progress_.samples / result.train_seconds : 0.0;
  write_json_file(config_.out_dir + "/summary.json", summary);
  if (log_ != nullptr)
    std::fprintf(log_, "hsgd: simulated %.1fs in %.1fs real (%.1fs computing gradients, %.1fs evaluating)\n",
                 result.train_seconds, result.wall_seconds, compute_real_seconds_, eval_real_seconds_);
  return result;
}

}  // namespace

RunResult run_sim(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log) {
  config.validate();
  SimRun run(config, data, factory, log);
  return run.run();
}

}  // namespace hsgd
