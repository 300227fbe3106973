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
#include <functional>
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

  // Called about every 0.1 s while send_within() or receive() waits on one
  // rank, so that the others still hear from this one (a server's "alive"
  // messages, issue 29: a worker leaves after --server-timeout of silence,
  // 10 s by default). It must not call send_within() or receive() itself.
  void set_keepalive(std::function<void()> keepalive) { keepalive_ = std::move(keepalive); }

  // A rank was lost (declared dead, or never said bye); for MPI, MPI_Finalize
  // may then wait for it forever, so the process ends with MPI_Abort instead.
  // Rank 0 tells the workers in its stop message (MessageHeader::value = 1).
  void note_peer_lost() { peer_lost_ = true; }
  bool peer_lost() const { return peer_lost_; }
  // This rank gave up on rank 0 (--server-timeout): it ends without it.
  void note_server_lost() {
    peer_lost_ = true;
    server_lost_ = true;
  }
  bool server_lost() const { return server_lost_; }

 protected:
  // For implementations: calls the keepalive when 0.1 s have passed since it last did.
  void keep_alive(double waited_seconds) {
    if (keepalive_ && waited_seconds >= next_keepalive_) {
      next_keepalive_ = waited_seconds + 0.1;
      keepalive_();
    }
  }
  void start_waiting() { next_keepalive_ = 0.1; }

 private:
  std::atomic<bool> peer_lost_{false};
  std::atomic<bool> server_lost_{false};
  std::function<void()> keepalive_;
  double next_keepalive_ = 0.1;
};

}  // namespace hsgd
