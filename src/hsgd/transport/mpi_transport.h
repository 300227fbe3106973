// mpi_transport.h: the Transport of --runtime mpi: MPI point-to-point on
// MPI_COMM_WORLD, a header (tag kHeaderTag) then its payload (kPayloadTag)
// from the same sender, sent straight from the sender's buffer and received
// straight into the receiver's. MPI must be initialised (the MPI session,
// runtime/mpi_runtime.cc, owns this transport). Built into hsgd_runtimes,
// which links MPI; also used by bench/mpi_bench.cc.
#pragma once

#include <mpi.h>

#include <memory>
#include <vector>

#include "hsgd/transport/transport.h"

namespace hsgd {

constexpr int kHeaderTag = 7;   // headers: what the server polls for
constexpr int kPayloadTag = 8;  // the payload that follows a header, from the same sender

class MpiTransport : public Transport {
 public:
  MpiTransport();  // MPI is initialised

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  bool send(const MessageHeader& header, const float* payload, int dest) override;
  SendOutcome send_within(const MessageHeader& header, const float* payload, int dest, double timeout) override;
  void start_send(const MessageHeader& header, const float* payload, int dest) override;
  SendProgress test_sends() override;
  void abandon_sends() override;
  // MPI_Iprobe: a short spin (spin_first), then a 0.2 ms sleep.
  bool poll(int source, int* sender, bool spin_first) override;
  MessageHeader receive(int sender, size_t num_params, std::vector<float>& payload, double timeout) override;

  // A send was given up on (its receiver died or stopped): it stays pending
  // in MPI for good, and MPI_Finalize would wait for it forever.
  bool send_abandoned() const { return send_abandoned_; }

 private:
  int rank_ = 0, size_ = 1;
  bool send_abandoned_ = false;
  MPI_Status polled_{};  // what the last successful poll() found
  // Small messages under way (send()): each with its bytes, kept until done.
  struct SmallSend {
    char head[MessageHeader::kBytes];
    std::vector<float> payload;
    MPI_Request requests[2];
    int count = 0;
  };
  void reap_small_sends();
  std::vector<std::unique_ptr<SmallSend>> small_sends_;
  // The sends started together: their headers' bytes (MPI reads them until
  // the send completes) and their requests.
  std::vector<std::unique_ptr<char[]>> started_heads_;
  std::vector<MPI_Request> started_;
  bool start_failed_ = false;
};

}  // namespace hsgd
