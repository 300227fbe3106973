// shard_rank.h: a server shard on a rank of its own (--runtime mpi --servers
// S > 1: ranks 1..S-1; rank 0 is shard 0 and the coordinator, server_rank.h).
// It owns one contiguous slice of the parameters (ps/shard_layout.h) and runs
// today's PS core on it, as ps-lite's servers each own a key range: every
// worker pushes it its slice of every gradient and pulls its slice from it
// (docs/aggregation.md, "Sharded server").
//
// Its protocol with rank 0 (transport/message.h):
//   rank 0 -> shard  kShardRestore  the state to start from (before any worker)
//                    kStateRequest  send your whole state (a snapshot, a checkpoint)
//                    kWorkerDead    K stops waiting for that worker
//                    kStop          the run is over: send your state, answer
//                                   pushes with stop, leave once the workers said bye
//                    kAlive         every second, with rank 0's training time
//   shard -> rank 0  kShardStatus   every 0.05 s: its counts (budgets, progress,
//                                   divergence), and its heartbeat
//                    kShardState    its whole state, when asked, and once at its end
// It decides nothing about the run: rank 0 declares workers dead and stops
// the run. Rank 0 silent for --server-timeout means it is gone: the shard
// leaves (TransportError), as a worker does.
#pragma once

#include <cstddef>

#include "hsgd/config/train_config.h"
#include "hsgd/transport/transport.h"

namespace hsgd {

// Shard transport.rank()'s whole life; `num_params`: the model's (every rank
// computes the same slices from it).
void run_shard_rank(Transport& transport, const TrainConfig& config, size_t num_params);

}  // namespace hsgd
