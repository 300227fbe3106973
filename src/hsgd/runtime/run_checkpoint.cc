// run_checkpoint.cc: the harness's part of a checkpoint (run_harness.h):
// what every runtime shares. A checkpoint holds, as sections of a
// CheckpointFile (common/checkpoint_file.h):
//   meta/kind         "hsgd run checkpoint"
//   meta/config       the options that give the run its meaning, as JSON: a
//                     resumed run must have the same (budgets may differ)
//   meta/time         training time of the checkpoint (seconds)
//   ps/...            the parameter server (ParameterServer::save_state); with
//                     --servers S > 1, ps/shard<s>: each shard's, whole (ShardedServer)
//   harness/...       rows so far, worker progress, evaluation counters,
//                     the delay streams (harness_sections.h: their layout,
//                     read and checked without a run)
//   sim/... etc.      the runtime's own state (sim_checkpoint.cc)
#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/runtime/harness_sections.h"
#include "hsgd/runtime/run_harness.h"

namespace hsgd {

using namespace harness_slot;

void RunHarness::save_checkpoint(double t, const std::function<void(CheckpointFile&)>& add_runtime_state) {
  evaluator_->wait_until_unfinished_at_most(0, [] { return false; });  // every row so far is in it
  CheckpointFile file;
  file.set("meta/kind", kCheckpointKind);
  file.set("meta/config", checkpoint_meaning(config_, traits_.fresh_workers_on_resume).dump());
  file.set_f64s("meta/time", {t});
  servers_->save_state(file);
  std::vector<double> doubles;
  std::vector<uint64_t> counts;
  for (const MetricsRow& r : result_.rows) {
    doubles.insert(doubles.end(), {r.time_s, r.staleness_mean, r.epoch, r.train_loss, r.test_loss, r.test_accuracy});
    counts.insert(counts.end(), {r.gradients, r.updates, static_cast<uint64_t>(r.k), r.staleness_max, r.dropped,
                                 r.samples});
  }
  file.set_f64s("harness/rows_f64", doubles);
  file.set_u64s("harness/rows_u64", counts);
  std::vector<double> state(kStateSlots);
  state[kLastSnapshot] = last_snapshot_time_;
  state[kPaused] = paused_seconds_;
  state[kTargetReached] = result_.target_reached_seconds;
  state[kLossSum] = progress_.loss_sum;
  state[kLastWindowLoss] = progress_.last_window_loss;
  file.set_f64s("harness/state", state);
  std::vector<uint64_t> counters(kCounterSlots);
  counters[kSamples] = progress_.samples;
  counters[kLossCount] = progress_.loss_count;
  counters[kPoints] = points_;
  counters[kMostUnfinished] = most_unfinished_;
  counters[kEvaluatedDuring] = evaluated_during_training_.load();
  file.set_u64s("harness/counters", counters);
  file.set_u64s("harness/delays", delays_.save_state());
  add_runtime_state(file);
  file.write_atomically(dir_ + "/checkpoint.bin");
}

void RunHarness::restore_checkpoint(const CheckpointFile& file) {
  check_checkpoint_config(file, checkpoint_meaning(config_, traits_.fresh_workers_on_resume));
  // MPI's worker ranks of a resumed run are new processes (maybe another
  // number of them) that draw their own delays: they start afresh.
  const bool fresh_workers = traits_.fresh_workers_on_resume;
  servers_->restore_state(file, fresh_workers);
  const HarnessSections h = read_harness_sections(file);
  if (const std::string bad = fresh_workers ? "" : delays_.restore_state(h.delays); !bad.empty())
    throw CheckpointError(file.where() + ": section 'harness/delays': " + bad);
  for (const MetricsRow& r : h.rows) {
    metrics_.write(r);
    result_.rows.push_back(r);
  }
  last_snapshot_time_ = h.state[kLastSnapshot];
  paused_seconds_ = h.state[kPaused];
  result_.target_reached_seconds = h.state[kTargetReached];
  progress_.loss_sum = h.state[kLossSum];
  progress_.last_window_loss = h.state[kLastWindowLoss];
  progress_.samples = h.counters[kSamples];
  progress_.loss_count = h.counters[kLossCount];
  points_ = h.counters[kPoints];
  most_unfinished_ = h.counters[kMostUnfinished];
  evaluated_during_training_ = h.counters[kEvaluatedDuring];
}

void save_samplers(CheckpointFile& file, const std::string& section,
                   const std::vector<std::unique_ptr<GradientWorker>>& workers) {
  std::vector<uint64_t> words;
  for (const auto& worker : workers) {
    const BatchSampler& sampler = worker->sampler();
    words.resize(words.size() + sampler.state_words());
    sampler.save_state(words.data() + words.size() - sampler.state_words());
  }
  file.set_u64s(section, words);
}

void restore_samplers(const CheckpointFile& file, const std::string& section,
                      const std::vector<std::unique_ptr<GradientWorker>>& workers) {
  std::vector<SamplerOfWorker> samplers;
  for (const auto& worker : workers) samplers.push_back({worker->id(), &worker->sampler()});
  restore_sampler_states(file, section, samplers);
}

}  // namespace hsgd
