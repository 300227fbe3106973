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
// the run cleanly with its metrics.
#pragma once

#include <mpi.h>

#include <memory>
#include <string>
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

// send_message, giving up after `timeout` seconds: a large payload goes out
// only when `dest` receives it, which a dead or stopped rank never does. On
// kTimedOut the send is cancelled; `payload` must not matter to anyone after
// that (its receiver is being given up on).
enum class SendOutcome { kSent, kFailed, kTimedOut };
SendOutcome send_message_within(const MessageHeader& header, const float* payload, int dest, double timeout);

// The sender of a message went silent before its payload arrived (it died
// or was stopped in the middle of sending).
class PeerSilent : public TransportError {
 public:
  using TransportError::TransportError;
};

// Receives the header `status` announced (a probe on kHeaderTag) and
// validates it, then receives exactly the payload it declares into `payload`,
// waiting at most `timeout` seconds for it (then PeerSilent). Throws
// TransportError naming the rank when anything is off.
MessageHeader receive_message(const MPI_Status& status, size_t num_params, std::vector<float>& payload,
                              double timeout = 1e9);

// Initialises MPI (MPI_Init_thread, errors returned rather than fatal) on
// first use (not for traits()) and finalises it when destroyed.
std::unique_ptr<Runtime> make_mpi_runtime();

// The MPI library's name and version ("Open MPI v4.1.4"), without starting MPI.
std::string mpi_library_version();

// ---- shared by the server (mpi_runtime.cc) and the workers (mpi_worker.cc)

// A message from `source` with tag kHeaderTag, polled without busy-waiting:
// a short spin (spin_first), then a 0.2 ms sleep. Returns false when none came.
bool poll_header(int source, MPI_Status& status, bool spin_first);
double peak_rss_mb();
// A rank was lost (declared dead, or never said bye): MPI_Finalize may wait
// for it forever, so this process ends with MPI_Abort (its own status, after
// its results are written) instead. Rank 0 tells the workers in its stop
// message (MessageHeader::value = 1).
void note_peer_lost();
// A worker rank's whole life (mpi_worker.cc).
void run_worker_rank(int rank, const TrainConfig& config, const Dataset& data, const ModelFactory& factory);

}  // namespace hsgd
