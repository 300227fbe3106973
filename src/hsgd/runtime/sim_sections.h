// sim_sections.h: the simulator's sections of a checkpoint ("sim/...";
// sim_checkpoint.cc writes them), read and checked without the run they
// restore, so that the fuzz target `run_checkpoint` reaches them with no
// model (fuzz/run_checkpoint_fuzz.cc). SimRun::restore applies what
// read_sim_sections returns; nothing of the run changes before every
// section has passed.
//
//   sim/clock          kClockSlots counts (times in virtual ns)
//   sim/events         kSimEventWords per pending event: time, kind, worker, seq
//   sim/base_version   per worker and shard, the version it pulled
//   sim/loss           per worker; sim/gradients: per worker, the model's size
//   sim/waiting, sim/server_queue   workers (shard 0)
//   sim/compute_ms     the compute time and the calibrated one
// and with --servers S > 1: sim/event_shards (one per event), sim/shard_clocks
// (2 per shard), sim/shard<s>/waiting and /queue (s >= 1), sim/worker_shards
// (3 per worker). Every problem is a CheckpointError naming the section.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/sim/event_queue.h"

namespace hsgd {

// What the sections must agree with: the run being resumed.
struct SimCheckpointShape {
  int64_t workers = 0;
  int shards = 1;
  size_t num_params = 0;
  std::vector<uint64_t> shard_versions;  // each shard's version, from its own (already restored) sections
};

namespace sim_slot {
enum Clock : size_t { kCheckpointAt, kNow, kPsFreeAt, kDriverFreeAt, kNextDriverEval, kDispatched,
                      kDriverEvaluations, kNextSeq, kClockSlots };
}  // namespace sim_slot
constexpr size_t kSimEventWords = 4;  // time, kind, worker, seq

struct SimSections {
  std::vector<uint64_t> clock;       // sim_slot::kClockSlots
  std::vector<sim::Event> events;    // with their shards when S > 1
  std::vector<uint64_t> base_version;
  std::vector<double> loss;
  std::vector<float> gradients;
  std::vector<uint64_t> waiting, server_queue;  // shard 0's
  std::vector<double> compute_ms;               // 2
  // S > 1 only
  std::vector<uint64_t> shard_clocks;                              // free_at, busy_ns per shard
  std::vector<std::vector<uint64_t>> shard_waiting, shard_queues;  // [s], s >= 1
  std::vector<uint64_t> worker_shards;                             // pending, ready_at, slices per worker
};

SimSections read_sim_sections(const CheckpointFile& file, const SimCheckpointShape& shape);

}  // namespace hsgd
