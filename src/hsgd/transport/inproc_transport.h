// inproc_transport.h: ranks as threads of one process (as gloo's tests run
// their ranks): an InProcNetwork of N ranks hands each thread its endpoint,
// a Transport like MPI's. Messages go through the same encoding and
// validation as on the wire (encode_header / decode_header), so the server
// and worker protocol runs unchanged, without mpirun. Sends are eager (a
// message is queued at once); a rank can be cut off to test what the
// protocol does when a peer dies.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "hsgd/transport/transport.h"

namespace hsgd {

class InProcNetwork {
 public:
  explicit InProcNetwork(int ranks);
  ~InProcNetwork();
  InProcNetwork(const InProcNetwork&) = delete;
  InProcNetwork& operator=(const InProcNetwork&) = delete;

  int size() const { return static_cast<int>(endpoints_.size()); }
  // Rank r's endpoint; it lives as long as the network.
  Transport& endpoint(int rank);
  // From now on rank r sends and receives nothing: what it sends is lost, and
  // sends to it fail (a process that died).
  void cut_off(int rank);

 private:
  class Endpoint;
  struct Message {
    int sender;
    std::vector<char> header;
    std::vector<float> payload;
  };
  bool take(int dest, int source, Message* out, double timeout);

  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<std::deque<Message>> inbox_;  // by destination rank, in order of sending
  std::vector<char> cut_off_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace hsgd
