// mpi_transport.cc: see mpi_transport.h.
#include "hsgd/transport/mpi_transport.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "hsgd/common/stopwatch.h"

namespace hsgd {
namespace {

void check_mpi(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw TransportError(std::string("MPI call failed: ") + what);
}

// Between two tests of a transfer under way: a short spin, then the core is
// offered to whoever needs it (a yield, not a sleep: a large message moves in
// shared-memory fragments, each needing both ends to test, and a 50-us sleep
// per fragment held an 80 MB message to 0.5 s).
void between_tests(int polls) {
  if (polls > 1000) std::this_thread::yield();
}

}  // namespace

MpiTransport::MpiTransport() {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  polled_.MPI_SOURCE = MPI_PROC_NULL;  // nothing polled yet
}

// A small message never blocks the sender: it goes out with MPI_Isend from
// a copy kept until it completes (a dead or stopped receiver may never take
// it; MPI_Send to one could block the server for good).
bool MpiTransport::send(const MessageHeader& h, const float* payload, int dest) {
  reap_small_sends();
  auto message = std::make_unique<SmallSend>();
  encode_header(h, message->head);
  if (h.payload_floats > 0) message->payload.assign(payload, payload + h.payload_floats);
  if (MPI_Isend(message->head, MessageHeader::kBytes, MPI_BYTE, dest, kHeaderTag, MPI_COMM_WORLD,
                &message->requests[message->count++]) != MPI_SUCCESS)
    return false;
  if (h.payload_floats > 0 &&
      MPI_Isend(message->payload.data(), static_cast<int>(h.payload_floats * sizeof(float)), MPI_BYTE, dest,
                kPayloadTag, MPI_COMM_WORLD, &message->requests[message->count++]) != MPI_SUCCESS)
    return false;
  small_sends_.push_back(std::move(message));
  return true;
}

void MpiTransport::reap_small_sends() {
  for (size_t i = 0; i < small_sends_.size();) {
    int done = 0;
    SmallSend& m = *small_sends_[i];
    if (MPI_Testall(m.count, m.requests, &done, MPI_STATUSES_IGNORE) != MPI_SUCCESS || done) {
      small_sends_[i] = std::move(small_sends_.back());
      small_sends_.pop_back();
    } else {
      ++i;
    }
  }
}

SendOutcome MpiTransport::send_within(const MessageHeader& h, const float* payload, int dest, double timeout) {
  // The header's bytes live on the heap: a send given up on may still refer to them.
  auto head = std::make_unique<char[]>(MessageHeader::kBytes);
  encode_header(h, head.get());
  MPI_Request requests[2];
  int count = 0;
  if (MPI_Isend(head.get(), MessageHeader::kBytes, MPI_BYTE, dest, kHeaderTag, MPI_COMM_WORLD, &requests[count++]) !=
      MPI_SUCCESS)
    return SendOutcome::kFailed;
  if (h.payload_floats > 0 && MPI_Isend(payload, static_cast<int>(h.payload_floats * sizeof(float)), MPI_BYTE, dest,
                                        kPayloadTag, MPI_COMM_WORLD, &requests[count++]) != MPI_SUCCESS)
    return SendOutcome::kFailed;
  Stopwatch waited;
  start_waiting();
  for (int polls = 0;; ++polls) {
    int done = 0;
    if (MPI_Testall(count, requests, &done, MPI_STATUSES_IGNORE) != MPI_SUCCESS) return SendOutcome::kFailed;
    if (done) return SendOutcome::kSent;
    keep_alive(waited.seconds());
    if (waited.seconds() > timeout) {
      for (int i = 0; i < count; ++i) {
        if (requests[i] == MPI_REQUEST_NULL) continue;
        MPI_Cancel(&requests[i]);
        MPI_Request_free(&requests[i]);
      }
      head.release();  // MPI may hold on to it: 48 bytes per rank given up on
      send_abandoned_ = true;
      return SendOutcome::kTimedOut;
    }
    between_tests(polls);
  }
}

void MpiTransport::start_send(const MessageHeader& h, const float* payload, int dest) {
  started_heads_.push_back(std::make_unique<char[]>(MessageHeader::kBytes));
  char* head = started_heads_.back().get();
  encode_header(h, head);
  MPI_Request r;
  if (MPI_Isend(head, MessageHeader::kBytes, MPI_BYTE, dest, kHeaderTag, MPI_COMM_WORLD, &r) != MPI_SUCCESS) {
    start_failed_ = true;
    return;
  }
  started_.push_back(r);
  if (h.payload_floats == 0) return;
  if (MPI_Isend(payload, static_cast<int>(h.payload_floats * sizeof(float)), MPI_BYTE, dest, kPayloadTag,
                MPI_COMM_WORLD, &r) != MPI_SUCCESS) {
    start_failed_ = true;
    return;
  }
  started_.push_back(r);
}

SendProgress MpiTransport::test_sends() {
  int done = 0;
  const bool failed = start_failed_ || MPI_Testall(static_cast<int>(started_.size()), started_.data(), &done,
                                                    MPI_STATUSES_IGNORE) != MPI_SUCCESS;
  if (failed) {
    abandon_sends();
    return SendProgress::kFailed;
  }
  if (!done) return SendProgress::kPending;
  started_.clear();
  started_heads_.clear();
  return SendProgress::kDone;
}

void MpiTransport::abandon_sends() {
  for (MPI_Request& r : started_) {
    if (r == MPI_REQUEST_NULL) continue;
    MPI_Cancel(&r);
    MPI_Request_free(&r);
    send_abandoned_ = true;
  }
  started_.clear();
  for (auto& head : started_heads_) head.release();  // MPI may hold on to them: 48 bytes each
  started_heads_.clear();
  start_failed_ = false;
}

bool MpiTransport::poll(int source, int* sender, bool spin_first) {
  for (int i = 0; i < (spin_first ? 200 : 1); ++i) {
    int flag = 0;
    check_mpi(MPI_Iprobe(source == kAnySource ? MPI_ANY_SOURCE : source, kHeaderTag, MPI_COMM_WORLD, &flag, &polled_),
              "MPI_Iprobe");
    if (flag) {
      *sender = polled_.MPI_SOURCE;
      return true;
    }
  }
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return false;
}

MessageHeader MpiTransport::receive(int source, size_t num_params, std::vector<float>& payload, double timeout) {
  MPI_Status status = polled_;
  if (status.MPI_SOURCE != source)  // not what poll() found: probe for it (it is there)
    check_mpi(MPI_Probe(source, kHeaderTag, MPI_COMM_WORLD, &status), "MPI_Probe");
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  std::vector<char> head(static_cast<size_t>(std::max(count, 0)));
  check_mpi(MPI_Recv(head.data(), count, MPI_BYTE, source, kHeaderTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  polled_.MPI_SOURCE = MPI_PROC_NULL;  // taken
  const MessageHeader h = decode_header(head.data(), head.size(), source, num_params);
  payload.resize(h.payload_floats);
  if (h.payload_floats > 0) {
    const int bytes = static_cast<int>(h.payload_floats * sizeof(float));
    MPI_Status st;
    MPI_Request request;
    check_mpi(MPI_Irecv(payload.data(), bytes, MPI_BYTE, source, kPayloadTag, MPI_COMM_WORLD, &request), "MPI_Irecv");
    Stopwatch waited;
    start_waiting();
    for (int polls = 0, done = 0; !done; ++polls) {
      if (MPI_Test(&request, &done, &st) != MPI_SUCCESS)
        throw TransportError("malformed message from rank " + std::to_string(source) + ": the " + to_string(h.type) +
                             " payload is larger than the " + std::to_string(bytes) + " bytes its header declares");
      if (done) break;
      keep_alive(waited.seconds());
      if (waited.seconds() > timeout) {
        MPI_Cancel(&request);
        MPI_Request_free(&request);
        throw PeerSilent("rank " + std::to_string(source) + " went silent in the middle of a " + to_string(h.type) +
                         " message");
      }
      between_tests(polls);
    }
    int got = 0;
    MPI_Get_count(&st, MPI_BYTE, &got);
    if (got != bytes)
      throw TransportError("malformed message from rank " + std::to_string(source) + ": " + std::to_string(got) +
                           " payload bytes, its header declares " + std::to_string(bytes));
  }
  return h;
}

}  // namespace hsgd
