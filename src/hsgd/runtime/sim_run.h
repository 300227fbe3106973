// sim_run.h: the simulator's run (SimRun), shared by sim_runtime.cc (the
// event loop) and sim_checkpoint.cc (its checkpoints). Internal to the
// simulator: the runtime's interface is sim_runtime.h.
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
// order, and the driver's and PS's clocks (sharded: every shard's queue and
// clock, and each worker's progress through its shards). A run resumed from it goes on
// exactly as the run that wrote it would have, bit for bit.
#pragma once

#include <deque>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "hsgd/runtime/run_harness.h"
#include "hsgd/sim/cost_model.h"
#include "hsgd/sim/event_queue.h"

namespace hsgd {
struct SimSections;
}  // namespace hsgd

namespace hsgd::sim_detail {

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
  void restore_shard_state(const SimSections& sections);
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
                             cost_.ps_update_fixed_ms > 0 || cost_.has_driver_eval();
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

}  // namespace hsgd::sim_detail
