// sim_checkpoint.cc: the simulator's checkpoints (sim_run.h): when they are
// taken, what goes into the "sim/..." sections, and restoring them.
#include <algorithm>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/runtime/sim_run.h"

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

namespace {
// The "sim/clock" slots.
enum ClockSlot : size_t { kCheckpointAt, kNow, kPsFreeAt, kDriverFreeAt, kNextDriverEval, kDispatched,
                          kDriverEvaluations, kNextSeq, kClockSlots };
constexpr size_t kEventWords = 4;  // time, kind, worker, seq
}  // namespace

void SimRun::add_state(CheckpointFile& file, sim::VirtualNs t) const {
  const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
  file.set_u64s("sim/clock", {u(t), u(now_), u(free_at_[0]), u(driver_free_at_), u(next_driver_eval_), dispatched_,
                              driver_evaluations_, events_.next_seq()});
  std::vector<uint64_t> events;
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

// Everything is read and checked before anything is changed; a bad section
// is a CheckpointError that names it.
void SimRun::restore(const CheckpointFile& file) {
  const std::string& where = file.where();
  const auto bad = [&](const std::string& section, const std::string& what) {
    return CheckpointError(where + ": section '" + section + "': " + what);
  };
  const int64_t n = config_.workers();
  const std::vector<uint64_t> clock = file.u64s("sim/clock", kClockSlots);
  const auto ns = [&](size_t slot) { return static_cast<sim::VirtualNs>(clock[slot]); };
  if (ns(kNow) < 0 || ns(kCheckpointAt) < ns(kNow)) throw bad("sim/clock", "its times are out of order");
  const std::vector<uint64_t> raw = file.u64s("sim/events", file.count8("sim/events"));
  if (raw.size() % kEventWords != 0) throw bad("sim/events", "not a whole number of events");
  std::vector<sim::Event> events;
  for (size_t i = 0; i < raw.size(); i += kEventWords) {
    const sim::Event e{static_cast<sim::VirtualNs>(raw[i]), static_cast<EventKind>(raw[i + 1]),
                       static_cast<int>(static_cast<int64_t>(raw[i + 2])), raw[i + 3]};
    if (e.time < ns(kNow) || raw[i + 1] > static_cast<uint64_t>(EventKind::kWorkerStarts) ||
        static_cast<int64_t>(raw[i + 2]) < -1 || static_cast<int64_t>(raw[i + 2]) >= n || e.seq >= clock[kNextSeq])
      throw bad("sim/events", "event " + std::to_string(i / kEventWords) + " is not a valid event of this run");
    events.push_back(e);
  }
  std::vector<uint64_t> base_version = file.u64s("sim/base_version", n * shards_);
  for (size_t i = 0; i < base_version.size(); ++i)
    if (base_version[i] > servers_.shard(static_cast<int>(i % shards_)).version())
      throw bad("sim/base_version", "a version newer than the server's");
  std::vector<double> loss = file.f64s("sim/loss", n);
  const std::vector<float> gradients = file.floats("sim/gradients", n * servers_.num_params());
  const auto worker_list = [&](const char* section) {
    const std::vector<uint64_t> list = file.u64s(section, file.count8(section));
    if (list.size() > static_cast<size_t>(n)) throw bad(section, "more entries than workers");
    for (uint64_t w : list)
      if (w >= static_cast<uint64_t>(n)) throw bad(section, "worker " + std::to_string(w) + " does not exist");
    return list;
  };
  const std::vector<uint64_t> waiting = worker_list("sim/waiting");
  const std::vector<uint64_t> queue = worker_list("sim/server_queue");
  const std::vector<double> compute = file.f64s("sim/compute_ms", 2);
  if (!(compute[0] > 0 && compute[0] < 3.6e6)) throw bad("sim/compute_ms", "compute time out of range");
  if (shards_ > 1) restore_shard_state(file, events);  // checked and restored (nothing else changed yet)
  restore_samplers(file, "sim/samplers", workers_);   // checked and restored (nothing else changed yet)
  // Checked: now the state.
  now_ = ns(kNow);
  free_at_[0] = ns(kPsFreeAt);
  driver_free_at_ = ns(kDriverFreeAt);
  next_driver_eval_ = ns(kNextDriverEval);
  dispatched_ = clock[kDispatched];
  driver_evaluations_ = clock[kDriverEvaluations];
  events_.restore(events, clock[kNextSeq]);
  base_version_ = std::move(base_version);
  loss_ = std::move(loss);
  const size_t p = servers_.num_params();
  for (size_t w = 0; w < workers_.size(); ++w)
    std::copy(gradients.begin() + w * p, gradients.begin() + (w + 1) * p, workers_[w]->gradient_data());
  waiting_[0].assign(waiting.begin(), waiting.end());
  queues_[0].assign(queue.begin(), queue.end());
  cost_.compute_ms = compute[0];
  calibrated_ms_ = compute[1];
}

// The sharded part of a checkpoint (add_shard_state): checked, then set;
// shard 0's queue, waiting workers and clock are restore()'s.
void SimRun::restore_shard_state(const CheckpointFile& file, std::vector<sim::Event>& events) {
  const auto bad = [&](const std::string& section, const std::string& what) {
    return CheckpointError(file.where() + ": section '" + section + "': " + what);
  };
  const size_t n = workers_.size();
  const std::vector<uint64_t> event_shards = file.u64s("sim/event_shards", events.size());
  const std::vector<uint64_t> clocks = file.u64s("sim/shard_clocks", 2 * static_cast<size_t>(shards_));
  const std::vector<uint64_t> progress = file.u64s("sim/worker_shards", 3 * n);
  std::vector<std::vector<uint64_t>> waiting(shards_), queues(shards_);
  for (int s = 1; s < shards_; ++s) {
    const std::string prefix = "sim/shard" + std::to_string(s);
    waiting[s] = file.u64s(prefix + "/waiting", file.count8(prefix + "/waiting"));
    queues[s] = file.u64s(prefix + "/queue", file.count8(prefix + "/queue"));
    for (const auto* list : {&waiting[s], &queues[s]})
      for (uint64_t w : *list)
        if (w >= n) throw bad(prefix, "worker " + std::to_string(w) + " does not exist");
  }
  for (uint64_t shard : event_shards)
    if (shard >= static_cast<uint64_t>(shards_)) throw bad("sim/event_shards", "a shard this run does not have");
  for (size_t w = 0; w < n; ++w)
    if (progress[3 * w] > static_cast<uint64_t>(shards_) || progress[3 * w + 2] > static_cast<uint64_t>(shards_))
      throw bad("sim/worker_shards", "worker " + std::to_string(w) + " counts more shards than this run has");
  for (size_t i = 0; i < events.size(); ++i) events[i].shard = static_cast<int>(event_shards[i]);
  for (int s = 0; s < shards_; ++s) {
    free_at_[s] = static_cast<sim::VirtualNs>(clocks[2 * s]);
    busy_ns_[s] = static_cast<sim::VirtualNs>(clocks[2 * s + 1]);
    if (s == 0) continue;
    waiting_[s].assign(waiting[s].begin(), waiting[s].end());
    queues_[s].assign(queues[s].begin(), queues[s].end());
  }
  for (size_t w = 0; w < n; ++w) {
    pending_[w] = static_cast<int>(progress[3 * w]);
    ready_at_[w] = static_cast<sim::VirtualNs>(progress[3 * w + 1]);
    slices_handled_[w] = static_cast<int>(progress[3 * w + 2]);
  }
}

}  // namespace hsgd::sim_detail
