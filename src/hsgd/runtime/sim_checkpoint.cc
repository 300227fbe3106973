// sim_checkpoint.cc: the simulator's checkpoints (sim_run.h): when they are
// taken, what goes into the "sim/..." sections, and restoring them.
#include <algorithm>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/runtime/sim_run.h"
#include "hsgd/runtime/sim_sections.h"

namespace hsgd::sim_detail {

using sim::EventKind;

// Called before the event at `next_event`: a checkpoint is due once every
// event at or before its time is handled.
void SimRun::maybe_checkpoint(sim::VirtualNs next_event) {
  if (checkpoint_every_ <= 0 || next_checkpoint_ >= next_event) return;
  save_checkpoint(next_checkpoint_);
  // The next one: the first multiple of the period at or after the coming event.
  next_checkpoint_ = (next_event + checkpoint_every_ - 1) / checkpoint_every_ * checkpoint_every_;
}

void SimRun::save_checkpoint(sim::VirtualNs t) {
  run_.save_checkpoint(sim::to_seconds(t), [&](CheckpointFile& file) { add_state(file, t); });
}

using namespace sim_slot;  // the "sim/clock" slots (sim_sections.h: the sections' layout)

void SimRun::add_state(CheckpointFile& file, sim::VirtualNs t) const {
  const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
  file.set_u64s("sim/clock", {u(t), u(now_), u(free_at_[0]), u(driver_free_at_), u(next_driver_eval_), dispatched_,
                              driver_evaluations_, events_.next_seq()});
  std::vector<uint64_t> events;  // kSimEventWords per event
  for (const sim::Event& e : events_.contents())
    events.insert(events.end(), {u(e.time), u(static_cast<int>(e.kind)), u(e.worker), e.seq});
  file.set_u64s("sim/events", events);
  file.set_u64s("sim/base_version", base_version_);
  file.set_f64s("sim/loss", loss_);
  const size_t p = servers_.num_params();
  std::vector<float> gradients(workers_.size() * p);
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(workers_[w]->gradient().begin(), workers_[w]->gradient().end(), gradients.begin() + w * p);
  file.set_floats("sim/gradients", gradients.data(), gradients.size());
  save_samplers(file, "sim/samplers", workers_);
  file.set_u64s("sim/waiting", std::vector<uint64_t>(waiting_[0].begin(), waiting_[0].end()));
  file.set_u64s("sim/server_queue", std::vector<uint64_t>(queues_[0].begin(), queues_[0].end()));
  file.set_f64s("sim/compute_ms", {cost_.compute_ms, calibrated_ms_});
  if (shards_ > 1) add_shard_state(file);
}

// --servers S > 1: what the sections above hold for shard 0 only (its
// queue, its waiting workers, its clock), for every shard; each worker's
// progress through its shards; the events' shards, in "sim/events"' order.
void SimRun::add_shard_state(CheckpointFile& file) const {
  const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
  std::vector<uint64_t> event_shards, clocks, workers;
  for (const sim::Event& e : events_.contents()) event_shards.push_back(u(e.shard));
  file.set_u64s("sim/event_shards", event_shards);
  for (int s = 0; s < shards_; ++s) clocks.insert(clocks.end(), {u(free_at_[s]), u(busy_ns_[s])});
  file.set_u64s("sim/shard_clocks", clocks);
  for (int s = 1; s < shards_; ++s) {
    const std::string prefix = "sim/shard" + std::to_string(s);
    file.set_u64s(prefix + "/waiting", std::vector<uint64_t>(waiting_[s].begin(), waiting_[s].end()));
    file.set_u64s(prefix + "/queue", std::vector<uint64_t>(queues_[s].begin(), queues_[s].end()));
  }
  for (size_t w = 0; w < pending_.size(); ++w)
    workers.insert(workers.end(), {u(pending_[w]), u(ready_at_[w]), u(slices_handled_[w])});
  file.set_u64s("sim/worker_shards", workers);
}

// Everything is read and checked (read_sim_sections, then the samplers)
// before anything is changed; a bad section is a CheckpointError that names it.
void SimRun::restore(const CheckpointFile& file) {
  SimCheckpointShape shape;
  shape.workers = config_.workers();
  shape.shards = shards_;
  shape.num_params = servers_.num_params();
  for (int s = 0; s < shards_; ++s) shape.shard_versions.push_back(servers_.shard(s).version());
  SimSections sections = read_sim_sections(file, shape);
  restore_samplers(file, "sim/samplers", workers_);  // checked and restored (nothing else changed yet)
  // Checked: now the state.
  const auto ns = [&](size_t slot) { return static_cast<sim::VirtualNs>(sections.clock[slot]); };
  now_ = ns(kNow);
  free_at_[0] = ns(kPsFreeAt);
  driver_free_at_ = ns(kDriverFreeAt);
  next_driver_eval_ = ns(kNextDriverEval);
  dispatched_ = sections.clock[kDispatched];
  driver_evaluations_ = sections.clock[kDriverEvaluations];
  events_.restore(sections.events, sections.clock[kNextSeq]);
  base_version_ = std::move(sections.base_version);
  loss_ = std::move(sections.loss);
  const size_t p = servers_.num_params();
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(sections.gradients.begin() + w * p, sections.gradients.begin() + (w + 1) * p,
              workers_[w]->gradient_data());
  waiting_[0].assign(sections.waiting.begin(), sections.waiting.end());
  queues_[0].assign(sections.server_queue.begin(), sections.server_queue.end());
  cost_.compute_ms = sections.compute_ms[0];
  calibrated_ms_ = sections.compute_ms[1];
  if (shards_ > 1) restore_shard_state(sections);
}

// The sharded part of a checkpoint (add_shard_state), checked by
// read_sim_sections; shard 0's queue, waiting workers and clock are restore()'s.
void SimRun::restore_shard_state(const SimSections& sections) {
  for (int s = 0; s < shards_; ++s) {
    free_at_[s] = static_cast<sim::VirtualNs>(sections.shard_clocks[2 * s]);
    busy_ns_[s] = static_cast<sim::VirtualNs>(sections.shard_clocks[2 * s + 1]);
    if (s == 0) continue;
    waiting_[s].assign(sections.shard_waiting[s].begin(), sections.shard_waiting[s].end());
    queues_[s].assign(sections.shard_queues[s].begin(), sections.shard_queues[s].end());
  }
  for (size_t w = 0; w < workers_.size(); ++w) {
    pending_[w] = static_cast<int>(sections.worker_shards[3 * w]);
    ready_at_[w] = static_cast<sim::VirtualNs>(sections.worker_shards[3 * w + 1]);
    slices_handled_[w] = static_cast<int>(sections.worker_shards[3 * w + 2]);
  }
}

}  // namespace hsgd::sim_detail
