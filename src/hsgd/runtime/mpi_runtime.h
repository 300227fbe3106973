// mpi_runtime.h: --runtime mpi: the parameter server and its workers as MPI
// processes, on one machine or many:
//
//   mpirun -np N+1 hsgd train --runtime mpi ...     rank 0: the PS; ranks 1..N: workers
//
// Same PS core, modes, wait policies, harness and metrics as the other
// runtimes. Each worker keeps only its shard of the training set; only rank 0
// keeps the test set, evaluates and writes the run's folder. Messages are
// validated (transport/message.h). A worker silent, dead or stopped for
// --worker-timeout seconds is declared dead and K stops waiting for it; a
// worker that hears nothing from rank 0 for --server-timeout seconds leaves
// (docs/faults.md). SIGINT/SIGTERM on rank 0 (or forwarded by mpirun) ends
// the run cleanly with its metrics. The protocol is server_rank.h and
// worker_rank.h over transport/mpi_transport.h; this runtime is the adapter.
#pragma once

#include <memory>
#include <string>

#include "hsgd/runtime/runtime.h"

namespace hsgd {

// Initialises MPI (MPI_Init_thread, errors returned rather than fatal) on
// first use (not for traits()) and finalises it when destroyed.
std::unique_ptr<Runtime> make_mpi_runtime();

// The MPI library's name and version ("Open MPI v4.1.4"), without starting MPI.
std::string mpi_library_version();

}  // namespace hsgd
