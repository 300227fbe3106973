// transport.h: the seam between the parameter server's protocol and the wire.
// The server rank (runtime/server_rank.h) and the worker ranks
// (runtime/worker_rank.h) exchange messages (transport/message.h: a header,
// then its payload) only through a Transport; what carries them is its
// implementation:
//
//   transport/mpi_transport.h      MPI point-to-point (--runtime mpi; links MPI)
//   transport/inproc_transport.h   ranks as threads of one process (the
//                                  protocol tests, without mpirun)
//
// Every wait has a bound: poll() waits at most a fraction of a millisecond,
// receive() and send_within() take a timeout. A new transport (TCP, a sharded
// server's links) is a new implementation of this class; the protocol does
// not change.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "hsgd/transport/message.h"

namespace hsgd {

// The sender of a message went silent before its payload arrived (it died
// or was stopped in the middle of sending).
class PeerSilent : public TransportError {
 public:
  using TransportError::TransportError;
};

enum class SendOutcome { kSent, kFailed, kTimedOut };
// Where the sends started together (Transport::start_send) are.
enum class SendProgress { kDone, kPending, kFailed };

constexpr int kAnySource = -1;

class Transport {
 public:
  virtual ~Transport() = default;

  // This endpoint's rank, and the number of ranks (rank 0 the server).
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Sends a small message (stop, alive: no payload, or a bye's few floats),
  // which goes out at once whether or not `dest` receives it. Returns false
  // when the transport reports an error.
  virtual bool send(const MessageHeader& header, const float* payload, int dest) = 0;
  // Sends a message of any size, giving up after `timeout` seconds: a large
  // payload goes out only when `dest` receives it, which a dead or stopped
  // rank never does. On kTimedOut `payload` must not matter to anyone after
  // that (its receiver is being given up on).
  virtual SendOutcome send_within(const MessageHeader& header, const float* payload, int dest, double timeout) = 0;

  // Starts sending a message of any size and returns at once: a worker of a
  // sharded server sends every slice of its gradient together and receives
  // the shards' answers while they go out (so no send waits on a rank that
  // waits on it). `payload` must stay as it is until test_sends() says
  // kDone or abandon_sends() is called.
  virtual void start_send(const MessageHeader& header, const float* payload, int dest) = 0;
  // Whether every send started since the last kDone/kFailed has completed.
  virtual SendProgress test_sends() = 0;
  // Gives up on the started sends still pending (their receiver is lost).
  virtual void abandon_sends() = 0;

  // Whether a message from `source` (or kAnySource) is waiting; if so its
  // sender is in *sender. Waits briefly when there is none (spin_first: a
  // short spin first), never busy-waiting.
  virtual bool poll(int source, int* sender, bool spin_first) = 0;
  // Receives the message poll() announced from `sender`: its header,
  // validated (decode_header), then exactly the payload it declares into
  // `payload`, waiting at most `timeout` seconds for it (then PeerSilent).
  // Throws TransportError naming the rank when anything is off.
  virtual MessageHeader receive(int sender, size_t num_params, std::vector<float>& payload, double timeout) = 0;

  // A rank was lost (declared dead, or never said bye); for MPI, MPI_Finalize
  // may then wait for it forever, so the process ends with MPI_Abort instead.
  // Rank 0 tells the workers in its stop message (MessageHeader::value = 1).
  void note_peer_lost() { peer_lost_ = true; }
  bool peer_lost() const { return peer_lost_; }

 private:
  std::atomic<bool> peer_lost_{false};
};

}  // namespace hsgd
