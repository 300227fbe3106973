// sim_sections.cc: see sim_sections.h. The checks are those SimRun::restore
// made before they moved here.
#include "hsgd/runtime/sim_sections.h"

#include <string>

namespace hsgd {
namespace {

using sim::EventKind;
using namespace sim_slot;

CheckpointError bad(const CheckpointFile& file, const std::string& section, const std::string& what) {
  return CheckpointError(file.where() + ": section '" + section + "': " + what);
}

// A list of workers: at most one entry per worker, each a worker of the run.
std::vector<uint64_t> worker_list(const CheckpointFile& file, const std::string& section, uint64_t n) {
  std::vector<uint64_t> list = file.u64s(section, file.count8(section));
  if (list.size() > n) throw bad(file, section, "more entries than workers");
  for (uint64_t w : list)
    if (w >= n) throw bad(file, section, "worker " + std::to_string(w) + " does not exist");
  return list;
}

std::vector<sim::Event> read_events(const CheckpointFile& file, const std::vector<uint64_t>& clock, int64_t n) {
  const auto now = static_cast<sim::VirtualNs>(clock[kNow]);
  const std::vector<uint64_t> raw = file.u64s("sim/events", file.count8("sim/events"));
  if (raw.size() % kSimEventWords != 0) throw bad(file, "sim/events", "not a whole number of events");
  std::vector<sim::Event> events;
  for (size_t i = 0; i < raw.size(); i += kSimEventWords) {
    const auto time = static_cast<sim::VirtualNs>(raw[i]);
    const auto worker = static_cast<int64_t>(raw[i + 2]);
    if (time < now || raw[i + 1] > static_cast<uint64_t>(EventKind::kWorkerStarts) || worker < -1 || worker >= n ||
        raw[i + 3] >= clock[kNextSeq])
      throw bad(file, "sim/events", "event " + std::to_string(i / kSimEventWords) + " is not a valid event of this run");
    events.push_back({time, static_cast<EventKind>(raw[i + 1]), static_cast<int>(worker), raw[i + 3]});
  }
  return events;
}

// The sharded sections (S > 1); sets the events' shards.
void read_shard_sections(const CheckpointFile& file, const SimCheckpointShape& shape, SimSections& out) {
  const auto n = static_cast<uint64_t>(shape.workers), shards = static_cast<uint64_t>(shape.shards);
  const std::vector<uint64_t> event_shards = file.u64s("sim/event_shards", out.events.size());
  out.shard_clocks = file.u64s("sim/shard_clocks", 2 * shards);
  out.worker_shards = file.u64s("sim/worker_shards", 3 * n);
  out.shard_waiting.assign(shards, {});
  out.shard_queues.assign(shards, {});
  for (uint64_t s = 1; s < shards; ++s) {
    const std::string prefix = "sim/shard" + std::to_string(s);
    out.shard_waiting[s] = file.u64s(prefix + "/waiting", file.count8(prefix + "/waiting"));
    out.shard_queues[s] = file.u64s(prefix + "/queue", file.count8(prefix + "/queue"));
    for (const auto* list : {&out.shard_waiting[s], &out.shard_queues[s]})
      for (uint64_t w : *list)
        if (w >= n) throw bad(file, prefix, "worker " + std::to_string(w) + " does not exist");
  }
  for (uint64_t shard : event_shards)
    if (shard >= shards) throw bad(file, "sim/event_shards", "a shard this run does not have");
  for (uint64_t w = 0; w < n; ++w)
    if (out.worker_shards[3 * w] > shards || out.worker_shards[3 * w + 2] > shards)
      throw bad(file, "sim/worker_shards", "worker " + std::to_string(w) + " counts more shards than this run has");
  for (size_t i = 0; i < out.events.size(); ++i) out.events[i].shard = static_cast<int>(event_shards[i]);
}

}  // namespace

SimSections read_sim_sections(const CheckpointFile& file, const SimCheckpointShape& shape) {
  const int64_t n = shape.workers;
  const auto shards = static_cast<size_t>(shape.shards);
  SimSections out;
  out.clock = file.u64s("sim/clock", kClockSlots);
  const auto ns = [&](size_t slot) { return static_cast<sim::VirtualNs>(out.clock[slot]); };
  if (ns(kNow) < 0 || ns(kCheckpointAt) < ns(kNow)) throw bad(file, "sim/clock", "its times are out of order");
  out.events = read_events(file, out.clock, n);
  out.base_version = file.u64s("sim/base_version", static_cast<size_t>(n) * shards);
  for (size_t i = 0; i < out.base_version.size(); ++i)
    if (out.base_version[i] > shape.shard_versions.at(i % shards))
      throw bad(file, "sim/base_version", "a version newer than the server's");
  out.loss = file.f64s("sim/loss", static_cast<size_t>(n));
  out.gradients = file.floats("sim/gradients", static_cast<size_t>(n) * shape.num_params);
  out.waiting = worker_list(file, "sim/waiting", static_cast<uint64_t>(n));
  out.server_queue = worker_list(file, "sim/server_queue", static_cast<uint64_t>(n));
  out.compute_ms = file.f64s("sim/compute_ms", 2);
  if (!(out.compute_ms[0] > 0 && out.compute_ms[0] < 3.6e6)) throw bad(file, "sim/compute_ms", "compute time out of range");
  if (shards > 1) read_shard_sections(file, shape, out);
  return out;
}

}  // namespace hsgd
