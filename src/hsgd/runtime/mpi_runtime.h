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

#include <cstdio>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"

namespace hsgd {

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
