// mpi_runtime.h: the parameter server and its workers as MPI processes
// (--runtime mpi), on one machine or many:
//
//   mpirun -np N+1 hsgd train --runtime mpi ...     rank 0: the PS; ranks 1..N: workers
//
// Same PS core, modes, wait policies and metrics as the other runtimes. Each
// worker keeps only its shard of the training set; only rank 0 keeps the test
// set and evaluates. Messages are validated (transport/message.h). A worker
// silent for --worker-timeout seconds is declared dead and K stops waiting
// for it. SIGINT/SIGTERM on rank 0 ends the run cleanly with its metrics.
#pragma once

#include <mpi.h>

#include <cstdio>
#include <vector>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"
#include "hsgd/transport/message.h"

namespace hsgd {

// ---- the wire protocol over MPI (transport/message.h), also used by bench/mpi_bench.cc
constexpr int kHeaderTag = 7;   // headers: what the server polls for
constexpr int kPayloadTag = 8;  // the payload that follows a header, from the same sender

// Sends a header and, when it declares one, its payload straight from
// `payload` (no copy). Returns false when MPI reports an error.
bool send_message(const MessageHeader& header, const float* payload, int dest);

// Receives the header `status` announced (a probe on kHeaderTag) and
// validates it, then receives exactly the payload it declares into `payload`.
// Throws TransportError naming the rank when anything is off.
MessageHeader receive_message(const MPI_Status& status, size_t num_params, std::vector<float>& payload);

// MPI_Init_thread / MPI_Finalize for the life of the object.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Keeps only worker `worker`'s shard of data.train (and drops the test set):
// what a worker rank holds in memory.
void keep_worker_shard(Dataset& data, int worker, int workers, uint64_t seed);

// Runs this rank's part. Rank 0 returns the run's result (metrics.csv and
// summary.json written); workers return an empty result.
RunResult run_mpi(const MpiSession& session, const TrainConfig& config, const Dataset& data,
                  const ModelFactory& factory, std::FILE* log);

}  // namespace hsgd
