// cost_model.h: how long things take in virtual time.
//
//   compute   fixed: compute_ms per minibatch, times the worker's speed factor
//             calibrated: measured once at start on this machine (median of a
//               few real gradient computations), then fixed; the value is recorded
//             measured: each real computation's thread CPU time (not reproducible)
//   network   a message of B bytes takes latency + B / bandwidth, for a push
//             (the gradient) and for a pull (the parameters)
//   driver    dispatch_ms per gradient: a serial stage in front of the PS (the
//             driver loop of Ray's parameter-server example: wait for a
//             gradient, hand it to the PS, start the worker's next task);
//             driver_eval_ms: an evaluation that blocks the driver after
//             every driver_eval_every gradients it dispatches (or updates the
//             PS applies: driver_eval_unit) and/or every driver_eval_seconds
//   PS        ps_gradient_ms per gradient received, ps_update_ms (+
//             ps_update_fixed_ms) per update; the PS serves one message at a
//             time, in arrival order. Sharded (--servers S): each shard pays
//             its share of ps_gradient_ms and ps_update_ms by bytes, and all
//             of ps_update_fixed_ms
//   start-up  worker w first pulls at start_s + start_spread_s * w / (N - 1)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/common/enum_names.h"

namespace hsgd::sim {

enum class ComputeCost { kFixed, kCalibrated, kMeasured };

// What the driver's evaluation period counts. Ray's example loop evaluates
// when `i % 10 == 0`, where i is one gradient in async and one round in sync:
// one update in both, so `updates` is its faithful reading.
enum class DriverEvalUnit { kGradients, kUpdates };

struct CostModel {
  ComputeCost compute = ComputeCost::kFixed;
  double compute_ms = 50;         // per minibatch (fixed; calibrated overwrites it)
  std::vector<double> speed;      // per-worker factor on compute time (cycled); empty = all 1
  double latency_ms = 0.1;        // per message
  double bandwidth_mb_s = 1250;   // MB/s per message (10 Gbit/s); 0 = unlimited
  double ps_gradient_ms = 0;
  double ps_update_ms = 0;
  // Per update, paid in full by every server shard (a per-call overhead that
  // does not shrink with the bytes); ps_gradient_ms and ps_update_ms are
  // shared between the shards by bytes (--servers).
  double ps_update_fixed_ms = 0;
  double dispatch_ms = 0;          // driver, per gradient
  double driver_eval_ms = 0;       // driver blocked by an evaluation, per evaluation
  int64_t driver_eval_every = 0;   // ... after every this many gradients dispatched (0: never)
  DriverEvalUnit driver_eval_unit = DriverEvalUnit::kGradients;  // ... or this many updates applied
  double driver_eval_seconds = 0;  // ... every this many virtual seconds (0: never)
  double start_s = 0;              // the first worker's start
  double start_spread_s = 0;       // the last worker starts this much later

  bool has_driver_eval() const { return driver_eval_ms > 0 && (driver_eval_every > 0 || driver_eval_seconds > 0); }
  bool evaluates_every(DriverEvalUnit unit) const {
    return driver_eval_ms > 0 && driver_eval_every > 0 && driver_eval_unit == unit;
  }
  double start_of(int worker, int workers) const {
    return start_s + (workers > 1 ? start_spread_s * worker / (workers - 1) : 0.0);
  }

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
template <>
struct EnumNames<sim::DriverEvalUnit> {
  static constexpr const char* kind = "driver evaluation unit";
  static constexpr std::pair<sim::DriverEvalUnit, const char*> values[] = {
      {sim::DriverEvalUnit::kGradients, "gradients"}, {sim::DriverEvalUnit::kUpdates, "updates"}};
};
}  // namespace hsgd
