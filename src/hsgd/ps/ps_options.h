// ps_options.h: how the parameter server aggregates and when workers wait.
// See docs/aggregation.md for the semantics of each mode, with pseudocode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hsgd/common/enum_names.h"
#include "hsgd/optim/sgd.h"

namespace hsgd {

class KSchedule;

enum class Mode {
  kSync,    // bulk-synchronous: one gradient from each live worker per round, workers wait
  kAsync,   // K = 1: every gradient is applied on arrival
  kHybrid,  // K(t) from a schedule (the paper's Smooth Switch)
  kSsp,     // stale-synchronous parallel (Ho et al. 2013): K = 1, a worker more than s clocks ahead waits
  kKSync,        // Dutta et al. 2018: hybrid, K = --k constant, workers wait for the update (wait applied)
  kKBatchAsync,  // Dutta et al. 2018: hybrid, K = --k constant, workers never wait (wait none)
  kGba,          // Su et al. 2022 (a reading): K = workers (the synchronous global batch), workers never
                 // wait, a gradient more than --gba-tolerance updates stale is decayed (gba_decay_weight)
};

enum class WaitPolicy {
  kNone,     // push, pull the latest committed parameters, go on (K-batch-async; the paper's reading)
  kApplied,  // after a push, wait until that gradient has been applied (K-sync)
};

enum class Aggregation {
  kMean,  // the update uses the mean of the buffered gradients (default)
  kSum,   // ... their sum (Ray's parameter-server example; larger steps as K grows)
};

template <>
struct EnumNames<Mode> {
  static constexpr const char* kind = "mode";
  static constexpr std::pair<Mode, const char*> values[] = {
      {Mode::kSync, "sync"},     {Mode::kAsync, "async"},   {Mode::kHybrid, "hybrid"},
      {Mode::kSsp, "ssp"},       {Mode::kKSync, "k-sync"},  {Mode::kKBatchAsync, "k-batch-async"},
      {Mode::kGba, "gba"}};
};
template <>
struct EnumNames<WaitPolicy> {
  static constexpr const char* kind = "wait policy";
  static constexpr std::pair<WaitPolicy, const char*> values[] = {{WaitPolicy::kNone, "none"},
                                                                  {WaitPolicy::kApplied, "applied"}};
};
template <>
struct EnumNames<Aggregation> {
  static constexpr const char* kind = "aggregation";
  static constexpr std::pair<Aggregation, const char*> values[] = {{Aggregation::kMean, "mean"},
                                                                   {Aggregation::kSum, "sum"}};
};

// Why a gradient was not applied. Every gradient is applied or counted here.
enum class DropReason {
  kNonFinite,       // contains NaN or Inf
  kTooStale,        // staleness above --max-staleness
  kDuplicateInRound,  // sync mode: a second gradient from one worker in one round
  kDeadWorker,      // arrived from a worker already declared dead
  kRunEnded,        // arrived after the budget was reached (process runtimes: a worker's last push)
  kLateBackup,      // sync with backup workers: arrived after its round was applied (Chen et al. 2016)
  kCount
};

const char* to_string(DropReason r);

// GBA's decay (a reading of Su et al. 2022, docs/aggregation.md): the weight
// of a gradient `staleness` updates stale under tolerance `iota`: 1 up to
// iota, then 1 / (1 + staleness - iota) (1/2 one update past it, 1/3 two ...).
inline float gba_decay_weight(uint64_t staleness, uint64_t iota) {
  return staleness <= iota ? 1.0f : 1.0f / static_cast<float>(1 + (staleness - iota));
}

struct PsOptions {
  Mode mode = Mode::kHybrid;
  WaitPolicy wait = WaitPolicy::kNone;  // hybrid only: sync always waits, async never does
  Aggregation aggregation = Aggregation::kMean;
  SgdOptions sgd;
  int num_workers = 25;
  bool staleness_aware_lr = false;  // weight each gradient by 1 / max(1, staleness) (Zhang et al. 2016)
  int64_t max_staleness = -1;       // drop gradients staler than this; -1 = never drop
  // Sync only: b backup workers (Chen et al. 2016; TF SyncReplicas with
  // total_num_replicas > replicas_to_aggregate): a round is applied with the
  // first live - b gradients, and a gradient of a round already applied is
  // dropped as late-backup. 0 = plain sync.
  int backup_workers = 0;
  // SSP only: the staleness bound s. A worker whose clock (gradients it has
  // pushed) is more than s ahead of the slowest live worker's waits. -1 = not given.
  int64_t ssp_bound = -1;
  // k-sync and k-batch-async only: their constant K (--k). 0 = not given.
  int k = 0;
  // gba only: the staleness tolerance iota (--gba-tolerance). A gradient at
  // most iota updates stale counts in full; a staler one is weighted
  // gba_decay_weight(staleness, iota). -1 = not given: kGbaDefaultTolerance.
  int64_t gba_tolerance = -1;
  static constexpr uint64_t kGbaDefaultTolerance = 1;
  uint64_t gba_iota() const { return gba_tolerance < 0 ? kGbaDefaultTolerance : static_cast<uint64_t>(gba_tolerance); }
  // hybrid: K(t); k-sync and k-batch-async: constant K; gba: constant K = workers
  // (async: K = 1, sync: K = live workers)
  std::shared_ptr<const KSchedule> schedule;

  // Whether K comes from `schedule` (hybrid and the two modes of Dutta et al.).
  bool uses_schedule() const {
    return mode == Mode::kHybrid || mode == Mode::kKSync || mode == Mode::kKBatchAsync || mode == Mode::kGba;
  }

  // Whether a worker waits after a push until its gradient is applied: the
  // one place the wait policy of each mode is decided.
  bool waits_for_apply() const {
    return mode == Mode::kSync || mode == Mode::kKSync || (mode == Mode::kHybrid && wait == WaitPolicy::kApplied);
  }
  WaitPolicy effective_wait() const { return waits_for_apply() ? WaitPolicy::kApplied : WaitPolicy::kNone; }
};

}  // namespace hsgd
