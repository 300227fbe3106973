// parameter_server.h: the parameter server core, shared by every runtime.
//
// Holds the committed parameters and their version (updates applied so far),
// and a gradient buffer. push() takes a gradient computed on parameters of
// `base_version`; its staleness is version() - base_version at arrival. When
// the buffer holds K gradients (K from the mode and schedule, capped at the
// live workers) they are aggregated (mean or sum) and one SGD step is
// applied. Every gradient received is applied, still buffered, or dropped
// with a reason: accounting().balances() always holds.
//
// Not thread-safe, by design: the threads runtime calls it under a mutex, the
// simulator from its event loop, the MPI runtime from rank 0's receive loop,
// so all three run exactly this code. Time comes from the caller (`now`,
// seconds of training), wall-clock or virtual.
//
// Memory: parameters, one accumulator (the buffer is summed on arrival, so it
// costs one vector however large K is) and the optimizer's momentum buffer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/common/finite.h"  // all_finite, used with the PS
#include "hsgd/optim/sgd.h"
#include "hsgd/ps/adaptive_threshold.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/ps_options.h"

namespace hsgd {

struct Accounting {
  uint64_t received = 0;
  uint64_t applied = 0;   // gradients that went into an update
  uint64_t buffered = 0;  // waiting in the buffer now
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> dropped{};
  uint64_t updates = 0;   // updates applied (= version)

  uint64_t dropped_total() const;
  bool balances() const { return received == applied + buffered + dropped_total(); }
};

// Staleness of the gradients received since the last take_window().
struct StalenessWindow {
  uint64_t count = 0;
  uint64_t sum = 0;
  uint64_t max = 0;
  double mean() const { return count ? static_cast<double>(sum) / count : 0.0; }
};

struct PushOutcome {
  enum class Status { kBuffered, kApplied, kDropped };
  Status status = Status::kBuffered;
  DropReason reason = DropReason::kCount;  // when dropped
  uint64_t staleness = 0;
  uint64_t version = 0;  // the PS version after this push
  // SSP: the worker is now more than s clocks ahead of the slowest live
  // worker; it is not served its next pull until take_released() names it.
  bool must_wait = false;
};

class ParameterServer {
 public:
  // options.schedule is used in hybrid mode only (async: K = 1, sync: K = live workers).
  ParameterServer(std::vector<float> initial_params, PsOptions options);

  PushOutcome push(int worker, uint64_t base_version, const float* grad, double now);
  // A gradient that arrives after the run has ended: received, and dropped
  // as kRunEnded (the parameters no longer change).
  void push_after_end(int worker);

  // The committed parameters and their version.
  uint64_t version() const { return accounting_.updates; }
  const std::vector<float>& params() const { return params_; }
  // Whether the parameters were all finite after the last update.
  bool params_finite() const { return params_finite_; }
  size_t num_params() const { return params_.size(); }

  // K in force now: the schedule's value, capped at the live workers.
  int current_k(double now) const;

  // Declares a worker dead (it stops counting towards K, and its later
  // gradients are dropped) or alive again. May apply the buffer at once.
  void set_alive(int worker, bool alive, double now);
  int live_workers() const { return live_workers_; }
  bool alive(int worker) const { return alive_[worker] != 0; }

  // The runtime tells the server how long it spent on the push just made
  // (simulator: its cost model, virtual; threads, mpi: measured wall time)
  // and whether that push applied an update. --schedule adaptive and
  // K policies (their measured load) use it.
  void record_service(double seconds, bool applied);
  // Whether record_service is used (--schedule adaptive, a K policy).
  bool measures_load() const { return adaptive_ != nullptr || load_meter_ != nullptr; }
  // --schedule adaptive: its measurements and decisions; nullptr otherwise.
  const AdaptiveThreshold* adaptive() const { return adaptive_.get(); }

  // SSP (Ho et al. 2013). A worker's clock is the number of gradients it has
  // pushed. One more than s clocks ahead of the slowest live worker waits
  // (PushOutcome::must_wait) until the slowest catches up or dies.
  bool ssp_waiting(int worker) const { return !ssp_waiting_.empty() && ssp_waiting_[worker] != 0; }
  uint64_t ssp_clock(int worker) const { return ssp_clock_.empty() ? 0 : ssp_clock_[worker]; }
  uint64_t ssp_waits() const { return ssp_waits_; }  // how often a worker was told to wait
  // The waiting workers released since the last call (by a push or a death),
  // in worker order: each runtime serves them their next pull now.
  std::vector<int> take_released();

  // Sync mode: whether `worker` has contributed to the round now collecting.
  bool contributed_this_round(int worker) const { return last_round_[worker] == accounting_.updates; }

  const Accounting& accounting() const { return accounting_; }
  StalenessWindow take_staleness_window();
  // Count of received gradients by staleness; the last bin holds everything >= its index.
  const std::vector<uint64_t>& staleness_histogram() const { return histogram_; }
  const PsOptions& options() const { return options_; }
  std::string schedule_description() const;
  Sgd& optimizer() { return sgd_; }

  // The server's whole state under "ps/..." sections of a checkpoint:
  // parameters, the buffer, the optimizer's momentum, accounting, staleness
  // counters, which workers are alive and their rounds. (K is a function of
  // the accounting and the time, which the caller keeps.) restore_state
  // checks every section's size against this server (its model and worker
  // count) and throws CheckpointError, naming the file, on a mismatch.
  // With `fresh_workers` (MPI: the worker ranks of a resumed run are new
  // processes, maybe another number of them), every worker of this server
  // starts alive and in no round, whatever the checkpoint's workers were.
  void save_state(CheckpointFile& file) const;
  void restore_state(const CheckpointFile& file, bool fresh_workers = false);
  // Only the counts (the "ps/counters" section): what rank 0's mirror of a
  // server shard on another rank (runtime/shard_rank.h) takes from its
  // heartbeat between full states. restore_counters takes the accounting and
  // whether the parameters are finite, not the staleness window.
  void save_counters(CheckpointFile& file) const;
  void restore_counters(const CheckpointFile& file);

 private:
  bool maybe_apply(double now);  // applies the buffer when it holds >= K gradients
  void apply();
  void finish_update();  // counts the buffered gradients as applied, bumps the version, starts a new round
  void drop(PushOutcome& out, DropReason reason);
  void ssp_after_push(int worker, PushOutcome& out);
  uint64_t slowest_live_clock() const;  // UINT64_MAX when no worker lives
  void ssp_release();                   // every waiting worker within s of the slowest live one
  void decide_policy_k(double now);     // a K policy's decision (k_policy.h)
  // SSP's and the adaptive threshold's part of a checkpoint, for the runs that use them.
  struct PolicyState {
    std::unique_ptr<AdaptiveThreshold> adaptive;
    std::vector<uint64_t> ssp_clock;
    std::vector<char> ssp_waiting;
    uint64_t ssp_waits = 0;
  };
  void save_policy_state(CheckpointFile& file) const;
  std::vector<uint64_t> counters() const;  // the "ps/counters" section
  void read_policy_state(const CheckpointFile& file, bool fresh_workers, PolicyState& into) const;

  std::vector<float> params_;
  bool params_finite_ = true;  // after the last update (Sgd::step checks in its pass)
  std::vector<float> accumulator_;  // sum of the buffered gradients (each weighted in staleness-aware mode)
  PsOptions options_;
  Sgd sgd_;
  Accounting accounting_;
  StalenessWindow window_;
  std::vector<uint64_t> histogram_;
  std::vector<char> alive_;
  // The round (update number) each worker last contributed to: a new round
  // starts with every update, at no cost per worker.
  static constexpr uint64_t kNoRound = UINT64_MAX;
  std::vector<uint64_t> last_round_;
  int live_workers_;
  // K counts live workers only, unless workers do not wait and the schedule
  // asks for more gradients than there are workers (k_schedule.h).
  const bool k_beyond_workers_;
  std::unique_ptr<AdaptiveThreshold> adaptive_;  // --schedule adaptive only
  // A K policy only (k_policy.h): the load measured as the adaptive threshold
  // measures it (its own K unused), and the policy's last answer.
  std::unique_ptr<AdaptiveThreshold> load_meter_;
  int policy_k_ = 1;
  // SSP only (empty otherwise): each worker's clock, whether it waits, and
  // the workers released since take_released().
  std::vector<uint64_t> ssp_clock_;
  std::vector<char> ssp_waiting_;
  std::vector<int> released_;
  uint64_t ssp_waits_ = 0;
};

}  // namespace hsgd
