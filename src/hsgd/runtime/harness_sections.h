// harness_sections.h: the harness's sections of a checkpoint ("meta/...",
// "harness/..."; run_checkpoint.cc writes them), read and checked without the
// run they restore, so that the fuzz target `run_checkpoint` reaches them
// with no runtime (fuzz/run_checkpoint_fuzz.cc). RunHarness::restore_checkpoint
// applies what these return.
//
//   meta/kind         "hsgd run checkpoint"
//   meta/config       the options that give the run its meaning, as a JSON
//                     object of scalars and arrays of scalars (at most 1 MiB)
//   meta/time         training time of the checkpoint (seconds)
//   harness/rows_f64  kRowDoubles doubles per metrics row
//   harness/rows_u64  kRowCounts counts per row (K at most INT32_MAX)
//   harness/state     kStateSlots doubles; harness/counters kCounterSlots counts
//   harness/delays    the delay streams (DelayModel::save_state)
// Every problem is a CheckpointError naming the file and the section; a
// configuration that differs from this run's is a ConfigError naming the option.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/config/train_config.h"
#include "hsgd/data/sharding.h"
#include "hsgd/metrics/run_metrics.h"

namespace hsgd {

constexpr const char* kCheckpointKind = "hsgd run checkpoint";
// Per row: time_s, staleness_mean, epoch, train_loss, test_loss, test_accuracy ...
constexpr size_t kRowDoubles = 6;
// ... and gradients, updates, k, staleness_max, dropped, samples.
constexpr size_t kRowCounts = 6;
// The slots of "harness/state" (doubles) and "harness/counters".
namespace harness_slot {
enum State : size_t { kLastSnapshot, kPaused, kTargetReached, kLossSum, kLastWindowLoss, kStateSlots };
enum Counter : size_t { kSamples, kLossCount, kPoints, kMostUnfinished, kEvaluatedDuring, kCounterSlots };
}  // namespace harness_slot

// The options that give a run its meaning (config/option_list.h), under
// their JSON keys: what meta/config holds. `fresh_workers_on_resume` leaves
// out the worker count (a resumed MPI run may have other ranks).
nlohmann::json checkpoint_meaning(const TrainConfig& config, bool fresh_workers_on_resume);

// The training time at which a checkpoint was taken (meta/time: finite, >= 0).
double checkpoint_time(const CheckpointFile& file);

// Checks meta/kind and that meta/config is `now` (checkpoint_meaning of this
// run; options newer than the checkpoint count as equal at their default).
void check_checkpoint_config(const CheckpointFile& file, const nlohmann::json& now);

struct HarnessSections {
  std::vector<MetricsRow> rows;
  std::vector<double> state;       // harness_slot::kStateSlots
  std::vector<uint64_t> counters;  // harness_slot::kCounterSlots
  std::vector<uint64_t> delays;    // for DelayModel::restore_state
};

// Reads and checks the "harness/..." sections.
HarnessSections read_harness_sections(const CheckpointFile& file);

// Restores each worker's minibatch order from `section` (the samplers'
// state_words() each, in this order); every sampler checks its part against
// its own shard first (CheckpointError naming the section and the worker id),
// and none changes unless all pass.
struct SamplerOfWorker {
  int worker;
  BatchSampler* sampler;
};
void restore_sampler_states(const CheckpointFile& file, const std::string& section,
                            const std::vector<SamplerOfWorker>& samplers);

}  // namespace hsgd
