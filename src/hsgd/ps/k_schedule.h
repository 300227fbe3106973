// k_schedule.h: the threshold K(t): how many gradients the parameter server
// buffers before it applies one update. K = 1 is asynchronous SGD; K = number
// of workers is (batch-)synchronous. Each schedule is a small class with its
// formula in describe(), which the run's metrics and summary record.
//
// Spec syntax (--schedule):
//   constant:K                                   K
//   step[:S=..,c=..,K0=..,Kmax=..,unit=..]       K = min(Kmax, K0 + floor(x / S)),  S = c / lr
//                                                (defaults c = 3, K0 = 1, Kmax = workers,
//                                                unit = gradients; the paper's step function)
//   linear:UNIT,from=A,to=B,over=X               K = A + floor((B - A) * min(1, x / X))
//   list:UNIT,P1=K1,P2=K2,...                    K = Ki of the last Pi <= x (K before P1: 1)
//   adaptive                                     K chosen by the server from its measured load
//                                                (ps/adaptive_threshold.h; no parameters)
//   policy:NAME                                  a K policy registered in this process under NAME
//                                                (ps/k_policy.h: the Python module's schedule=)
// UNIT (x) is `gradients` (received so far), `updates` (applied so far) or
// `seconds` (training time). The paper counts "steps"; both readings of a
// step, a gradient received and an update applied, are offered.
// Where workers wait for their gradient to be applied (sync, hybrid with
// --wait applied), the parameter server caps K at the number of live workers,
// so K never waits for a worker that is gone or for a gradient no worker can
// send; where they do not wait, K may exceed the number of workers (the
// buffer then holds several gradients of one worker).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hsgd {

struct ScheduleState {
  uint64_t gradients = 0;  // gradients received so far
  uint64_t updates = 0;    // updates applied so far
  double seconds = 0;      // training time so far (virtual time in the simulator)
  // What a K policy (is_policy()) is told besides; the formulas above need none of it.
  int live_workers = 0;      // workers alive now
  int k = 1;                 // K in force before this decision
  double arrival_gap = 0;    // a: mean time between gradients over the last window (s; 0 until one ended)
  double gradient_s = 0;     // G: server time per gradient over the last window (s)
  double update_s = 0;       // U: server time per update, beyond G (s)
  double utilisation = 0;    // (G + U / k) / a: the share of time the server is busy at K = k (0 until measured)
};

class KSchedule {
 public:
  virtual ~KSchedule() = default;
  virtual int k(const ScheduleState& state) const = 0;  // >= 1
  virtual int max_k() const = 0;                         // the largest K it ever asks for
  virtual std::string describe() const = 0;
  // Whether K is chosen by the server while it runs (AdaptiveThreshold), not by k().
  virtual bool adaptive() const { return false; }
  // Whether it is a K policy (ps/k_policy.h): asked once per gradient received
  // and when a worker dies or rejoins, with the whole ScheduleState; the
  // server keeps its answer until the next decision.
  virtual bool is_policy() const { return false; }
};

enum class ScheduleUnit { kGradients, kUpdates, kSeconds };

std::unique_ptr<KSchedule> constant_schedule(int k);
std::unique_ptr<KSchedule> step_schedule(int k0, double step_size, int k_max,
                                         ScheduleUnit unit = ScheduleUnit::kGradients);
std::unique_ptr<KSchedule> linear_schedule(ScheduleUnit unit, int from, int to, double over);
// The marker of --schedule adaptive: the parameter server then owns an
// AdaptiveThreshold; k() is 1 and max_k() the number of workers.
std::unique_ptr<KSchedule> adaptive_schedule(int workers);
std::unique_ptr<KSchedule> list_schedule(ScheduleUnit unit, std::vector<std::pair<double, int>> points);

// Parses a --schedule spec; lr and workers give step's defaults (S = 3 / lr,
// Kmax = workers). Throws ConfigError naming the spec and the bad part.
std::unique_ptr<KSchedule> parse_k_schedule(const std::string& spec, double lr, int workers);

}  // namespace hsgd
