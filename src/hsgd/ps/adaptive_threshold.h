// adaptive_threshold.h: K chosen while training runs (--schedule adaptive), so
// that the parameter server stays below saturation; no per-data-set knob.
//
// The server measures, over windows of W = max(32, 2 x workers) gradients
// received (so a window spans at least two rounds of every worker, and a burst
// of all workers arriving at once is averaged, not mistaken for the rate):
//   a  the mean time between two gradients arriving (the arrival rate is 1/a)
//   U  its own service time per update (applying one SGD step)
//   G  its own service time per gradient (receiving and adding it)
// With K gradients per update it is busy rho = (G + U/K) / a of the time. At
// the end of each window, the smallest K that keeps rho at or below the
// target rho* = 0.8 is
//   K* = ceil(U / (rho* a - G))     (rho* a <= G: K* = live workers; U = 0: K* = 1)
// and K only grows towards it: K = max(K, min(K*, live workers)).
// docs/aggregation.md gives the reasons, the cost and the pseudocode.
//
// Time comes from the caller, as everywhere in the core: arrival times are
// the `now` of the pushes, service times what the runtime reports
// (simulator: its cost model in virtual time; threads and mpi: the measured
// wall time of the PS's push). No clock is read here, so the simulator stays
// deterministic.
#pragma once

#include <cstdint>
#include <vector>

#include "hsgd/common/checkpoint_file.h"

namespace hsgd {

// One change of K, and why: what the server measured when it decided.
struct KDecision {
  double time = 0;          // training time, s
  uint64_t gradients = 0;   // gradients received by then
  int k_before = 1, k_after = 1;
  double arrival_rate = 0;  // 1/a, gradients per second
  double update_s = 0;      // U
  double gradient_s = 0;    // G
  double utilisation = 0;   // (G + U/k_before) / a: the load that made K grow
};

class AdaptiveThreshold {
 public:
  static constexpr double kTargetUtilisation = 0.8;  // rho*
  static constexpr uint64_t kMinWindow = 32;         // gradients per window, at least

  explicit AdaptiveThreshold(int workers);

  // A gradient arrived at training time `now`; at the end of a window K may
  // grow (capped at `live`). `received`: gradients received so far (recorded).
  void on_gradient(double now, uint64_t received, int live);
  // The server spent `seconds` on the last push, which applied an update or not.
  void on_service(double seconds, bool applied);

  int k() const { return k_; }
  uint64_t window() const { return window_; }
  // The last window's measurements (0 before the first window ends).
  double arrival_rate() const { return interarrival_ > 0 ? 1.0 / interarrival_ : 0.0; }
  double update_seconds() const { return update_s_; }
  double gradient_seconds() const { return gradient_s_; }
  // rho at K = k: the share of time the server is busy.
  double utilisation(int k) const;
  // K* for the current measurements (before the cap at the live workers).
  int target_k(int live) const;
  const std::vector<KDecision>& decisions() const { return decisions_; }

  // Under "ps/adaptive" and "ps/adaptive_decisions" of a checkpoint.
  void save_state(CheckpointFile& file) const;
  void restore_state(const CheckpointFile& file);

 private:
  void end_window(double now, uint64_t received, int live);

  uint64_t window_;
  int k_ = 1;
  // The window being measured.
  double window_start_ = 0;  // training time it began (the run's start, for the first)
  uint64_t arrivals_ = 0;
  double update_busy_ = 0, gradient_busy_ = 0;  // service time of applying / of other pushes
  uint64_t update_pushes_ = 0, gradient_pushes_ = 0;
  // The last window's measurements (U and G kept from an earlier one where a
  // window had no push of that kind).
  double interarrival_ = 0;  // a
  double update_s_ = 0;      // U
  double gradient_s_ = 0;    // G
  std::vector<KDecision> decisions_;
};

}  // namespace hsgd
