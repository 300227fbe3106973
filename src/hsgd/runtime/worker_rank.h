// worker_rank.h: a worker rank (ranks 1..N) of the server protocol
// (server_rank.h), over any Transport: it receives parameters from rank 0,
// computes a gradient on its shard, pushes it, and leaves when rank 0 says
// stop. A worker never waits for rank 0 without bound: rank 0 sends "alive"
// to a worker it keeps waiting (a sync round, an evaluation pause), so
// silence for --server-timeout seconds, while receiving or while its
// gradient is being sent, means the server is gone: it throws TransportError.
#pragma once

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/model/model.h"
#include "hsgd/transport/transport.h"

namespace hsgd {

// A worker rank's whole life; `data.train` is its shard.
void run_worker_rank(Transport& transport, const TrainConfig& config, const Dataset& data, const ModelFactory& factory);

}  // namespace hsgd
