// parameter_server.cc
#include "hsgd/ps/parameter_server.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "hsgd/common/cpu_dispatch.h"
#include "hsgd/common/error.h"

namespace hsgd {
namespace {
constexpr size_t kHistogramBins = 64;
}

uint64_t Accounting::dropped_total() const {
  uint64_t total = 0;
  for (uint64_t d : dropped) total += d;
  return total;
}

namespace {

HSGD_HOT void add_scaled(float* __restrict acc, const float* __restrict grad, float w, size_t n) {
  if (w == 1.0f) {
    for (size_t i = 0; i < n; ++i) acc[i] += grad[i];
  } else {
    for (size_t i = 0; i < n; ++i) acc[i] += w * grad[i];
  }
}

}  // namespace

ParameterServer::ParameterServer(std::vector<float> initial_params, PsOptions options)
    : params_(std::move(initial_params)),
      accumulator_(params_.size(), 0.0f),
      options_(std::move(options)),
      sgd_(params_.size(), options_.sgd),
      histogram_(kHistogramBins, 0),
      alive_(options_.num_workers, 1),
      last_round_(options_.num_workers, kNoRound),
      live_workers_(options_.num_workers),
      k_beyond_workers_(!options_.waits_for_apply() && options_.schedule != nullptr &&
                        options_.schedule->max_k() > options_.num_workers) {
  HSGD_CHECK(options_.num_workers >= 1, "workers ", options_.num_workers);
  HSGD_CHECK(!options_.uses_schedule() || options_.schedule != nullptr, name_of(options_.mode),
             " mode needs a K schedule");
  HSGD_CHECK(options_.mode != Mode::kSsp || options_.ssp_bound >= 0, "ssp mode needs a bound");
  HSGD_CHECK(options_.backup_workers >= 0 && options_.backup_workers < options_.num_workers, "backup workers ",
             options_.backup_workers, " of ", options_.num_workers);
  if (options_.mode == Mode::kHybrid && options_.schedule->adaptive())
    adaptive_ = std::make_unique<AdaptiveThreshold>(options_.num_workers);
  if (options_.uses_schedule() && options_.schedule->is_policy()) {
    load_meter_ = std::make_unique<AdaptiveThreshold>(options_.num_workers);  // its measurements, not its K
    decide_policy_k(0);
  }
  if (options_.mode == Mode::kSsp) {
    ssp_clock_.assign(options_.num_workers, 0);
    ssp_waiting_.assign(options_.num_workers, 0);
  }
}

int ParameterServer::current_k(double now) const {
  int k = 1;
  switch (options_.mode) {
    case Mode::kAsync:
    case Mode::kSsp: k = 1; break;
    case Mode::kSync: k = live_workers_ - options_.backup_workers; break;
    case Mode::kHybrid:
    case Mode::kKSync:
    case Mode::kKBatchAsync:
    case Mode::kGba:
      if (adaptive_) k = adaptive_->k();
      else if (load_meter_) k = policy_k_;
      else k = options_.schedule->k({accounting_.received, accounting_.updates, now});
      break;
  }
  if (!k_beyond_workers_) k = std::min(k, live_workers_);
  return std::max(1, k);
}

// A K policy's decision: the whole state, its answer kept until the next one.
void ParameterServer::decide_policy_k(double now) {
  ScheduleState state{accounting_.received, accounting_.updates, now};
  state.live_workers = live_workers_;
  state.k = policy_k_;
  const double rate = load_meter_->arrival_rate();
  state.arrival_gap = rate > 0 ? 1.0 / rate : 0.0;
  state.gradient_s = load_meter_->gradient_seconds();
  state.update_s = load_meter_->update_seconds();
  state.utilisation = state.arrival_gap > 0 ? load_meter_->utilisation(policy_k_) : 0.0;
  policy_k_ = options_.schedule->k(state);
}

std::string ParameterServer::schedule_description() const {
  switch (options_.mode) {
    case Mode::kAsync: return "async: K = 1";
    case Mode::kSync:
      if (options_.backup_workers > 0)
        return "sync with " + std::to_string(options_.backup_workers) +
               " backup worker(s): K = live workers - b, the late gradients of a round dropped";
      return "sync: K = live workers, one gradient from each per round";
    case Mode::kHybrid: return options_.schedule->describe();
    case Mode::kSsp:
      return "ssp: K = 1; a worker more than " + std::to_string(options_.ssp_bound) +
             " clocks (gradients pushed) ahead of the slowest live worker waits (Ho et al. 2013)";
    case Mode::kKSync:
      return "k-sync: K = " + std::to_string(options_.k) +
             ", workers wait for their gradient's update (Dutta et al. 2018; hybrid, constant:K, wait applied)";
    case Mode::kKBatchAsync:
      return "k-batch-async: K = " + std::to_string(options_.k) +
             ", workers never wait (Dutta et al. 2018; hybrid, constant:K, wait none)";
    case Mode::kGba:
      return "gba: K = " + std::to_string(options_.num_workers) +
             " (the synchronous global batch), workers never wait, a gradient more than " +
             std::to_string(options_.gba_iota()) +
             " update(s) stale weighted 1 / (1 + staleness - tolerance) (a reading of Su et al. 2022)";
  }
  return "?";
}

void ParameterServer::drop(PushOutcome& out, DropReason reason) {
  out.status = PushOutcome::Status::kDropped;
  out.reason = reason;
  ++accounting_.dropped[static_cast<size_t>(reason)];
}

PushOutcome ParameterServer::push(int worker, uint64_t base_version, const float* grad, double now) {
  HSGD_CHECK(worker >= 0 && worker < options_.num_workers, "worker ", worker, " of ", options_.num_workers);
  HSGD_CHECK(base_version <= version(), "gradient from the future: base version ", base_version, " > ", version());
  PushOutcome out;
  ++accounting_.received;
  if (adaptive_) adaptive_->on_gradient(now, accounting_.received, live_workers_);
  if (load_meter_) {
    load_meter_->on_gradient(now, accounting_.received, live_workers_);
    decide_policy_k(now);
  }
  out.staleness = version() - base_version;
  window_.count += 1;
  window_.sum += out.staleness;
  window_.max = std::max(window_.max, out.staleness);
  ++histogram_[std::min<uint64_t>(out.staleness, kHistogramBins - 1)];

  if (!alive_[worker]) {
    drop(out, DropReason::kDeadWorker);
  } else if (!all_finite(grad, params_.size())) {
    drop(out, DropReason::kNonFinite);
  } else if (options_.max_staleness >= 0 && out.staleness > static_cast<uint64_t>(options_.max_staleness)) {
    drop(out, DropReason::kTooStale);
  } else if (options_.mode == Mode::kSync && options_.backup_workers > 0 && out.staleness > 0) {
    drop(out, DropReason::kLateBackup);  // its round went through with the first live - b
  } else if (options_.mode == Mode::kSync && contributed_this_round(worker)) {
    drop(out, DropReason::kDuplicateInRound);
  } else {
    float w = options_.staleness_aware_lr ? 1.0f / static_cast<float>(std::max<uint64_t>(1, out.staleness)) : 1.0f;
    if (options_.mode == Mode::kGba) w *= gba_decay_weight(out.staleness, options_.gba_iota());
    last_round_[worker] = accounting_.updates;
    if (accounting_.buffered == 0 && current_k(now) == 1) {
      // K = 1 with an empty buffer (async, or hybrid early on): the update is
      // this gradient alone, so step with it directly and skip the buffer.
      params_finite_ = sgd_.step(params_.data(), grad, 1.0, w);
      ++accounting_.buffered;
      finish_update();
      out.status = PushOutcome::Status::kApplied;
    } else {
      add_scaled(accumulator_.data(), grad, w, params_.size());
      ++accounting_.buffered;
      out.status = maybe_apply(now) ? PushOutcome::Status::kApplied : PushOutcome::Status::kBuffered;
    }
  }
  if (!ssp_clock_.empty() && alive_[worker]) ssp_after_push(worker, out);
  out.version = version();
  return out;
}

// The worker's clock advances with every gradient it pushes (applied or
// dropped: it did the work). It waits if now more than s ahead of the
// slowest live worker; its push may have been the slowest's, releasing others.
void ParameterServer::ssp_after_push(int worker, PushOutcome& out) {
  ++ssp_clock_[worker];
  if (ssp_clock_[worker] > slowest_live_clock() + static_cast<uint64_t>(options_.ssp_bound)) {
    ssp_waiting_[worker] = 1;
    out.must_wait = true;
    ++ssp_waits_;
  }
  ssp_release();
}

uint64_t ParameterServer::slowest_live_clock() const {
  uint64_t slowest = UINT64_MAX;
  for (size_t w = 0; w < ssp_clock_.size(); ++w)
    if (alive_[w]) slowest = std::min(slowest, ssp_clock_[w]);
  return slowest;
}

void ParameterServer::ssp_release() {
  const uint64_t slowest = slowest_live_clock();
  const uint64_t limit = slowest == UINT64_MAX ? UINT64_MAX : slowest + static_cast<uint64_t>(options_.ssp_bound);
  for (size_t w = 0; w < ssp_waiting_.size(); ++w)
    if (ssp_waiting_[w] && ssp_clock_[w] <= limit) {
      ssp_waiting_[w] = 0;
      released_.push_back(static_cast<int>(w));
    }
}

std::vector<int> ParameterServer::take_released() {
  std::vector<int> released;
  released.swap(released_);
  return released;
}

void ParameterServer::record_service(double seconds, bool applied) {
  if (adaptive_) adaptive_->on_service(seconds, applied);
  if (load_meter_) load_meter_->on_service(seconds, applied);
}

void ParameterServer::push_after_end(int worker) {
  HSGD_CHECK(worker >= 0 && worker < options_.num_workers, "worker ", worker);
  ++accounting_.received;
  ++accounting_.dropped[static_cast<size_t>(DropReason::kRunEnded)];
}

bool ParameterServer::maybe_apply(double now) {
  if (accounting_.buffered == 0 || accounting_.buffered < static_cast<uint64_t>(current_k(now))) return false;
  apply();
  return true;
}

void ParameterServer::apply() {
  const double scale = options_.aggregation == Aggregation::kMean ? 1.0 / static_cast<double>(accounting_.buffered) : 1.0;
  params_finite_ = sgd_.step(params_.data(), accumulator_.data(), 1.0, scale);
  std::memset(accumulator_.data(), 0, accumulator_.size() * sizeof(float));
  finish_update();
}

void ParameterServer::finish_update() {
  accounting_.applied += accounting_.buffered;
  accounting_.buffered = 0;
  ++accounting_.updates;
}

void ParameterServer::set_alive(int worker, bool alive, double now) {
  HSGD_CHECK(worker >= 0 && worker < options_.num_workers, "worker ", worker);
  if ((alive_[worker] != 0) == alive) return;
  alive_[worker] = alive ? 1 : 0;
  live_workers_ += alive ? 1 : -1;
  if (!ssp_clock_.empty()) {
    if (alive) {  // it rejoins at the slowest live clock, so that it holds nobody back
      alive_[worker] = 0;
      const uint64_t slowest = slowest_live_clock();
      alive_[worker] = 1;
      if (slowest != UINT64_MAX) ssp_clock_[worker] = std::max(ssp_clock_[worker], slowest);
    }
    ssp_waiting_[worker] = 0;  // a dead worker is served nothing; a revived one starts afresh
    ssp_release();             // a dead worker no longer holds anyone back
  }
  if (load_meter_) decide_policy_k(now);
  if (live_workers_ > 0) maybe_apply(now);  // K may have dropped to what is buffered
}

StalenessWindow ParameterServer::take_staleness_window() {
  const StalenessWindow w = window_;
  window_ = {};
  return w;
}

namespace {
// The slots of the "ps/counters" section; the drop counts follow them.
enum CounterSlot : size_t { kReceived, kApplied, kBuffered, kUpdates, kWindowCount, kWindowSum, kWindowMax,
                            kParamsFinite, kSgdStepped, kCounterSlots };
}  // namespace

std::vector<uint64_t> ParameterServer::counters() const {
  const size_t reasons = accounting_.dropped.size();
  std::vector<uint64_t> counters(kCounterSlots + reasons);
  counters[kReceived] = accounting_.received;
  counters[kApplied] = accounting_.applied;
  counters[kBuffered] = accounting_.buffered;
  counters[kUpdates] = accounting_.updates;
  counters[kWindowCount] = window_.count;
  counters[kWindowSum] = window_.sum;
  counters[kWindowMax] = window_.max;
  counters[kParamsFinite] = params_finite_;
  counters[kSgdStepped] = sgd_.stepped();
  std::copy(accounting_.dropped.begin(), accounting_.dropped.end(), counters.begin() + kCounterSlots);
  return counters;
}

void ParameterServer::save_counters(CheckpointFile& file) const { file.set_u64s("ps/counters", counters()); }

void ParameterServer::restore_counters(const CheckpointFile& file) {
  const std::vector<uint64_t> c = file.u64s("ps/counters", kCounterSlots + accounting_.dropped.size());
  accounting_.received = c[kReceived];
  accounting_.applied = c[kApplied];
  accounting_.buffered = c[kBuffered];
  accounting_.updates = c[kUpdates];
  std::copy(c.begin() + kCounterSlots, c.end(), accounting_.dropped.begin());
  params_finite_ = c[kParamsFinite] != 0;
}

void ParameterServer::save_state(CheckpointFile& file) const {
  file.set_floats("ps/params", params_.data(), params_.size());
  file.set_floats("ps/accumulator", accumulator_.data(), accumulator_.size());
  file.set_floats("ps/momentum", sgd_.momentum_buffer().data(), sgd_.momentum_buffer().size());
  file.set_u64s("ps/counters", counters());
  file.set_u64s("ps/staleness_histogram", histogram_);
  file.set_u64s("ps/last_round", last_round_);
  file.set("ps/alive", std::string(alive_.begin(), alive_.end()));
  save_policy_state(file);
}

// The state of SSP and of the adaptive threshold, for the runs that use them.
void ParameterServer::save_policy_state(CheckpointFile& file) const {
  if (adaptive_) adaptive_->save_state(file);
  if (ssp_clock_.empty()) return;
  file.set_u64s("ps/ssp_clock", ssp_clock_);
  file.set("ps/ssp_waiting", std::string(ssp_waiting_.begin(), ssp_waiting_.end()));
  file.set_u64s("ps/ssp_waits", {ssp_waits_});
}

// Reads (and so checks) the policies' sections into `into`, changing nothing here.
void ParameterServer::read_policy_state(const CheckpointFile& file, bool fresh_workers, PolicyState& into) const {
  if (adaptive_) {
    into.adaptive = std::make_unique<AdaptiveThreshold>(*adaptive_);
    into.adaptive->restore_state(file);
  }
  if (ssp_clock_.empty()) return;
  into.ssp_waits = file.u64s("ps/ssp_waits", 1)[0];
  into.ssp_clock.assign(ssp_clock_.size(), 0);  // fresh workers (MPI resume): every clock starts again
  into.ssp_waiting.assign(ssp_waiting_.size(), 0);
  if (fresh_workers) return;
  into.ssp_clock = file.u64s("ps/ssp_clock", ssp_clock_.size());
  const std::string waiting = file.get("ps/ssp_waiting");
  if (waiting.size() != ssp_waiting_.size())
    throw CheckpointError(file.where() + ": section 'ps/ssp_waiting' has " + std::to_string(waiting.size()) +
                          " workers, this run " + std::to_string(ssp_waiting_.size()));
  into.ssp_waiting.assign(waiting.begin(), waiting.end());
}

void ParameterServer::restore_state(const CheckpointFile& file, bool fresh_workers) {
  const size_t n = params_.size(), reasons = accounting_.dropped.size();
  // Everything is read (and so checked) before anything changes.
  std::vector<float> params = file.floats("ps/params", n);
  std::vector<float> accumulator = file.floats("ps/accumulator", n);
  std::vector<float> momentum = file.floats("ps/momentum", sgd_.momentum_buffer().size());
  const std::vector<uint64_t> counters = file.u64s("ps/counters", kCounterSlots + reasons);
  std::vector<uint64_t> histogram = file.u64s("ps/staleness_histogram", kHistogramBins);
  const size_t workers = fresh_workers ? file.get("ps/alive").size() : alive_.size();
  std::vector<uint64_t> last_round = file.u64s("ps/last_round", workers);
  std::string alive = file.get("ps/alive");
  PolicyState policies;
  read_policy_state(file, fresh_workers, policies);
  if (alive.size() != workers)
    throw CheckpointError(file.where() + ": section 'ps/alive' has " + std::to_string(alive.size()) +
                          " workers, this run " + std::to_string(alive_.size()));
  params_ = std::move(params);
  accumulator_ = std::move(accumulator);
  sgd_.momentum_buffer() = std::move(momentum);
  sgd_.set_stepped(counters[kSgdStepped] != 0);
  accounting_.received = counters[kReceived];
  accounting_.applied = counters[kApplied];
  accounting_.buffered = counters[kBuffered];
  accounting_.updates = counters[kUpdates];
  std::copy(counters.begin() + kCounterSlots, counters.end(), accounting_.dropped.begin());
  window_ = {counters[kWindowCount], counters[kWindowSum], counters[kWindowMax]};
  params_finite_ = counters[kParamsFinite] != 0;
  histogram_ = std::move(histogram);
  if (fresh_workers) {
    last_round.assign(alive_.size(), kNoRound);
    alive.assign(alive_.size(), 1);
  }
  last_round_ = std::move(last_round);
  alive_.assign(alive.begin(), alive.end());
  live_workers_ = static_cast<int>(std::count_if(alive_.begin(), alive_.end(), [](char a) { return a != 0; }));
  if (adaptive_) adaptive_ = std::move(policies.adaptive);
  if (!ssp_clock_.empty()) {
    ssp_clock_ = std::move(policies.ssp_clock);
    ssp_waiting_ = std::move(policies.ssp_waiting);
    ssp_waits_ = policies.ssp_waits;
  }
}

}  // namespace hsgd
