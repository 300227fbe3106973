// cost_model.h: how long things take in virtual time.
//
//   compute   fixed: compute_ms per minibatch, times the worker's speed factor
//             calibrated: measured once at start on this machine (median of a
//               few real gradient computations), then fixed; the value is recorded
//             measured: each real computation's thread CPU time (not reproducible)
//   network   a message of B bytes takes latency + B / bandwidth, for a push
//             (the gradient) and for a pull (the parameters)
//   PS        ps_gradient_ms per gradient received, ps_update_ms per update;
//             the PS serves one message at a time, in arrival order
#pragma once

#include <string>
#include <vector>

#include "hsgd/common/enum_names.h"

namespace hsgd::sim {

enum class ComputeCost { kFixed, kCalibrated, kMeasured };

struct CostModel {
  ComputeCost compute = ComputeCost::kFixed;
  double compute_ms = 50;         // per minibatch (fixed; calibrated overwrites it)
  std::vector<double> speed;      // per-worker factor on compute time (cycled); empty = all 1
  double latency_ms = 0.1;        // per message
  double bandwidth_mb_s = 1250;   // MB/s per message (10 Gbit/s); 0 = unlimited
  double ps_gradient_ms = 0;
  double ps_update_ms = 0;

  double speed_of(int worker) const { return speed.empty() ? 1.0 : speed[worker % speed.size()]; }
  double message_seconds(double bytes) const {
    return latency_ms * 1e-3 + (bandwidth_mb_s > 0 ? bytes / (bandwidth_mb_s * 1e6) : 0.0);
  }
};

}  // namespace hsgd::sim

namespace hsgd {
template <>
struct EnumNames<sim::ComputeCost> {
  static constexpr const char* kind = "compute cost";
  static constexpr std::pair<sim::ComputeCost, const char*> values[] = {{sim::ComputeCost::kFixed, "fixed"},
                                                                       {sim::ComputeCost::kCalibrated, "calibrated"},
                                                                       {sim::ComputeCost::kMeasured, "measured"}};
};
}  // namespace hsgd
