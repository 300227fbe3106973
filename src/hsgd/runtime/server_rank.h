// server_rank.h: the parameter server as rank 0 of a set of processes (or
// threads) that exchange messages through a Transport (transport/transport.h):
// it serves the PS core through the run harness, and the worker ranks
// (worker_rank.h) compute. Torch-free and MPI-free: --runtime mpi runs it
// over MPI (mpi_runtime.cc), the protocol tests over the in-process
// transport (tests/protocol_test.cc).
//
// The protocol: rank 0 sends each worker the parameters; a worker pushes a
// gradient and gets the new parameters back (wait=none, or once its gradient
// is applied; SSP: once the slowest live worker is within the bound), or
// stop. A worker kept waiting hears "alive" now and then; a worker silent
// for --worker-timeout seconds is declared dead and K stops waiting for it.
// At the end every worker says bye with its timing (docs/faults.md).
#pragma once

#include <vector>

#include "hsgd/runtime/run_harness.h"
#include "hsgd/transport/transport.h"

namespace hsgd {

// Trains through `run` as rank 0 of `transport` (ranks 1..size-1 are the
// workers). `local_pids`, by rank: the process id of each rank on this
// machine (0 for the others, and for ranks that are threads): ranks there
// that never said bye are killed once the results are written.
RunResult serve_as_server_rank(RunHarness& run, Transport& transport, const std::vector<int>& local_pids);

}  // namespace hsgd
