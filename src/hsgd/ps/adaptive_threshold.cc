// adaptive_threshold.cc: see adaptive_threshold.h and docs/aggregation.md.
#include "hsgd/ps/adaptive_threshold.h"

#include <algorithm>
#include <cmath>

#include "hsgd/common/error.h"

namespace hsgd {

AdaptiveThreshold::AdaptiveThreshold(int workers)
    : window_(std::max<uint64_t>(kMinWindow, 2 * static_cast<uint64_t>(std::max(1, workers)))) {}

void AdaptiveThreshold::on_gradient(double now, uint64_t received, int live) {
  if (++arrivals_ == window_) end_window(now, received, live);
}

void AdaptiveThreshold::on_service(double seconds, bool applied) {
  seconds = std::max(0.0, seconds);
  if (applied) {
    update_busy_ += seconds;
    ++update_pushes_;
  } else {
    gradient_busy_ += seconds;
    ++gradient_pushes_;
  }
}

// The window's means replace the last ones, then K may grow. A push that
// applied an update cost G + U, one that did not cost G.
void AdaptiveThreshold::end_window(double now, uint64_t received, int live) {
  interarrival_ = std::max(0.0, now - window_start_) / static_cast<double>(arrivals_);
  if (gradient_pushes_ > 0) gradient_s_ = gradient_busy_ / static_cast<double>(gradient_pushes_);
  if (update_pushes_ > 0) update_s_ = std::max(0.0, update_busy_ / static_cast<double>(update_pushes_) - gradient_s_);
  window_start_ = now;
  arrivals_ = update_pushes_ = gradient_pushes_ = 0;
  update_busy_ = gradient_busy_ = 0;
  const int target = std::min(target_k(live), std::max(1, live));
  if (target <= k_) return;  // K never falls: see docs/aggregation.md
  decisions_.push_back({now, received, k_, target, arrival_rate(), update_s_, gradient_s_, utilisation(k_)});
  k_ = target;
}

double AdaptiveThreshold::utilisation(int k) const {
  const double busy = gradient_s_ + update_s_ / std::max(1, k);
  if (busy <= 0) return 0;
  return interarrival_ > 0 ? busy / interarrival_ : INFINITY;
}

int AdaptiveThreshold::target_k(int live) const {
  if (update_s_ <= 0) return 1;  // nothing to amortise: async is best
  const double spare = kTargetUtilisation * interarrival_ - gradient_s_;
  if (spare <= 0) return std::max(1, live);  // saturated by gradients alone: as many per update as can be
  const double k = std::ceil(update_s_ / spare);
  return k >= live ? std::max(1, live) : std::max(1, static_cast<int>(k));
}

namespace {
enum Slot : size_t { kK, kWindowStart, kArrivals, kUpdateBusy, kGradientBusy, kUpdatePushes, kGradientPushes,
                     kInterarrival, kUpdate, kGradient, kSlots };
constexpr size_t kDecisionWords = 8;
}  // namespace

void AdaptiveThreshold::save_state(CheckpointFile& file) const {
  std::vector<double> state(kSlots);
  state[kK] = k_;
  state[kWindowStart] = window_start_;
  state[kArrivals] = static_cast<double>(arrivals_);
  state[kUpdateBusy] = update_busy_;
  state[kGradientBusy] = gradient_busy_;
  state[kUpdatePushes] = static_cast<double>(update_pushes_);
  state[kGradientPushes] = static_cast<double>(gradient_pushes_);
  state[kInterarrival] = interarrival_;
  state[kUpdate] = update_s_;
  state[kGradient] = gradient_s_;
  file.set_f64s("ps/adaptive", state);
  std::vector<double> decisions;
  for (const KDecision& d : decisions_)
    decisions.insert(decisions.end(), {d.time, static_cast<double>(d.gradients), static_cast<double>(d.k_before),
                                       static_cast<double>(d.k_after), d.arrival_rate, d.update_s, d.gradient_s,
                                       d.utilisation});
  file.set_f64s("ps/adaptive_decisions", decisions);
}

void AdaptiveThreshold::restore_state(const CheckpointFile& file) {
  const std::vector<double> state = file.f64s("ps/adaptive", kSlots);
  const std::vector<double> raw = file.f64s("ps/adaptive_decisions", file.count8("ps/adaptive_decisions"));
  if (raw.size() % kDecisionWords != 0 || !(state[kK] >= 1 && state[kK] <= 1e9) ||
      !(state[kArrivals] >= 0 && state[kArrivals] < static_cast<double>(window_)))
    throw CheckpointError(file.where() + ": section 'ps/adaptive' is not this adaptive threshold's state");
  k_ = static_cast<int>(state[kK]);
  window_start_ = state[kWindowStart];
  arrivals_ = static_cast<uint64_t>(state[kArrivals]);
  update_busy_ = state[kUpdateBusy];
  gradient_busy_ = state[kGradientBusy];
  update_pushes_ = static_cast<uint64_t>(state[kUpdatePushes]);
  gradient_pushes_ = static_cast<uint64_t>(state[kGradientPushes]);
  interarrival_ = state[kInterarrival];
  update_s_ = state[kUpdate];
  gradient_s_ = state[kGradient];
  decisions_.clear();
  for (size_t i = 0; i < raw.size(); i += kDecisionWords)
    decisions_.push_back({raw[i], static_cast<uint64_t>(raw[i + 1]), static_cast<int>(raw[i + 2]),
                          static_cast<int>(raw[i + 3]), raw[i + 4], raw[i + 5], raw[i + 6], raw[i + 7]});
}

}  // namespace hsgd
