// worker_rank.cc: see worker_rank.h.
#include "hsgd/runtime/worker_rank.h"

#include <chrono>
#include <cstdio>
#include <numeric>
#include <thread>

#include "hsgd/common/peak_memory.h"
#include "hsgd/common/stop_signals.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

TransportError server_lost(int rank, double timeout, const char* doing) {
  char what[256];
  std::snprintf(what, sizeof what,
                "rank %d: no word from the server (rank 0) for %.1fs while %s (--server-timeout): it has died or "
                "cannot be reached; this worker leaves",
                rank, timeout, doing);
  return TransportError(what);
}

// The next message from rank 0 other than "alive"; waits without spinning
// the CPU, at most `timeout` seconds after the last message.
MessageHeader receive_from_server(Transport& transport, double timeout, size_t num_params,
                                  std::vector<float>& params) {
  const int rank = transport.rank();
  Stopwatch silent;
  while (true) {
    int sender = 0;
    if (transport.poll(0, &sender, /*spin_first=*/true)) {
      MessageHeader m;
      try {
        m = transport.receive(0, num_params, params, timeout);
      } catch (const PeerSilent&) {
        throw server_lost(rank, timeout, "receiving a message from it");
      }
      if (m.type != MessageType::kAlive) return m;
      silent = Stopwatch();
    } else if (silent.seconds() > timeout) {
      throw server_lost(rank, timeout, "waiting for its answer");
    }
  }
}

// The worker's sends give up (and so does the worker) when rank 0 does not
// take them within --server-timeout seconds.
void send_to_server(Transport& transport, double timeout, const MessageHeader& h, const float* payload) {
  const int rank = transport.rank();
  const SendOutcome sent = transport.send_within(h, payload, 0, timeout);
  if (sent == SendOutcome::kTimedOut) throw server_lost(rank, timeout, "sending to it");
  if (sent == SendOutcome::kFailed)
    throw TransportError("rank " + std::to_string(rank) + ": the transport could not send a " + to_string(h.type) +
                         " message to the server (rank 0)");
}

}  // namespace

void run_worker_rank(Transport& transport, const TrainConfig& config, const Dataset& data, const ModelFactory& factory) {
  const StopSignals signals;  // mpirun forwards Ctrl-C: leave when rank 0 says stop
  const int rank = transport.rank();
  const int w = rank - 1;
  const double timeout = config.mpi.server_timeout;
  auto model = factory(config.seed);
  std::vector<size_t> all(data.train.size());
  std::iota(all.begin(), all.end(), size_t{0});
  GradientWorker worker(w, *model, data, all, config.batch_size, config.seed);
  DelayModel delays(config.delay, config.workers(), config.seed);
  const bool hang = config.mpi.hang_rank == rank;
  double compute_s = 0, wait_s = 0, comm_s = 0, delay_s = 0;
  std::vector<float> params;  // received straight from the server
  int64_t pushes = 0;
  bool first_params = true;
  while (true) {
    Stopwatch waiting;
    const MessageHeader m = receive_from_server(transport, timeout, worker.num_params(), params);
    wait_s += waiting.seconds();
    if (m.type == MessageType::kStop) {
      if (m.value != 0) transport.note_peer_lost();
      break;
    }
    if (m.type != MessageType::kParams)
      throw TransportError("rank " + std::to_string(rank) + ": unexpected " + std::string(to_string(m.type)) +
                           " message from rank 0");
    // A first version above 0 is a resumed run: this rank's old minibatch
    // order is not in the checkpoint, so it draws a new one (not the first
    // run's again).
    if (first_params && m.version > 0) worker.sampler().reseed(derive_seed(config.seed, m.version));
    first_params = false;
    if (hang && pushes >= config.mpi.hang_after) {
      // Fault injection for tests: stop answering, but leave when told to stop.
      MessageHeader next;
      do {
        next = receive_from_server(transport, timeout, worker.num_params(), params);
      } while (next.type != MessageType::kStop);
      if (next.value != 0) transport.note_peer_lost();
      break;
    }
    Stopwatch computing;
    const double loss = worker.compute(params.data());
    compute_s += computing.seconds();
    const double delay = delays.next(w);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    delay_s += delay;
    Stopwatch communicating;
    MessageHeader h;
    h.type = MessageType::kPush;
    h.sender = rank;
    h.version = m.version;
    h.payload_floats = worker.num_params();
    h.value = loss;
    send_to_server(transport, timeout, h, worker.gradient().data());
    comm_s += communicating.seconds();
    ++pushes;
  }
  MessageHeader bye;
  bye.type = MessageType::kBye;
  bye.sender = rank;
  bye.payload_floats = kByeFloats;
  const float timing[kByeFloats] = {float(compute_s), float(wait_s), float(comm_s), float(delay_s),
                                    float(peak_rss_mb())};
  send_to_server(transport, timeout, bye, timing);
}

}  // namespace hsgd
