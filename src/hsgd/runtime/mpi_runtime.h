// mpi_runtime.h: --runtime mpi: the parameter server and its workers as MPI
// processes, on one machine or many:
//
//   mpirun -np N+1 hsgd train --runtime mpi ...     rank 0: the PS; ranks 1..N: workers
//
// Same PS core, modes, wait policies, harness and metrics as the other
// runtimes. Each worker keeps only its shard of the training set; only rank 0
// keeps the test set, evaluates and writes the run's folder. Messages are
// validated (transport/message.h). A worker silent for --worker-timeout
// seconds is declared dead and K stops waiting for it. SIGINT/SIGTERM on rank
// 0 (or forwarded by mpirun) ends the run cleanly with its metrics.
#pragma once

#include <mpi.h>

#include <memory>
#include <vector>

#include "hsgd/runtime/runtime.h"
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

// Initialises MPI (MPI_Init_thread, errors returned rather than fatal) on
// first use and finalises it at exit.
std::unique_ptr<Runtime> make_mpi_runtime();

}  // namespace hsgd
