// inproc_transport.cc: see inproc_transport.h.
#include "hsgd/transport/inproc_transport.h"

#include <algorithm>
#include <chrono>

#include "hsgd/common/error.h"

namespace hsgd {

class InProcNetwork::Endpoint : public Transport {
 public:
  Endpoint(InProcNetwork& net, int rank) : net_(net), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return net_.size(); }

  bool send(const MessageHeader& h, const float* payload, int dest) override {
    if (dest < 0 || dest >= net_.size()) return false;
    Message m;
    m.sender = rank_;
    m.header.resize(MessageHeader::kBytes);
    encode_header(h, m.header.data());
    if (h.payload_floats > 0) m.payload.assign(payload, payload + h.payload_floats);
    std::lock_guard<std::mutex> lock(net_.mu_);
    if (net_.cut_off_[dest]) return false;
    if (net_.cut_off_[rank_]) return true;  // a dead rank's messages are lost
    net_.inbox_[dest].push_back(std::move(m));
    net_.arrived_.notify_all();
    return true;
  }

  SendOutcome send_within(const MessageHeader& h, const float* payload, int dest, double) override {
    return send(h, payload, dest) ? SendOutcome::kSent : SendOutcome::kFailed;
  }

  // Sends are eager here: a started send is done at once.
  void start_send(const MessageHeader& h, const float* payload, int dest) override {
    if (!send(h, payload, dest)) started_failed_ = true;
  }
  SendProgress test_sends() override {
    const bool failed = started_failed_;
    started_failed_ = false;
    return failed ? SendProgress::kFailed : SendProgress::kDone;
  }
  void abandon_sends() override { started_failed_ = false; }

  bool poll(int source, int* sender, bool) override {
    std::unique_lock<std::mutex> lock(net_.mu_);
    auto has = [&] {
      for (const Message& m : net_.inbox_[rank_])
        if (source == kAnySource || m.sender == source) {
          *sender = m.sender;
          return true;
        }
      return false;
    };
    if (has()) return true;
    net_.arrived_.wait_for(lock, std::chrono::microseconds(200));  // as MPI's poll: a brief wait
    return has();
  }

  MessageHeader receive(int sender, size_t num_params, std::vector<float>& payload, double timeout) override {
    Message m;
    if (!net_.take(rank_, sender, &m, timeout))
      throw PeerSilent("rank " + std::to_string(sender) + " sent nothing within " + std::to_string(timeout) + " s");
    const MessageHeader h = decode_header(m.header.data(), m.header.size(), sender, num_params);
    if (m.payload.size() != h.payload_floats)
      throw TransportError("malformed message from rank " + std::to_string(sender) + ": " +
                           std::to_string(m.payload.size()) + " payload floats, its header declares " +
                           std::to_string(h.payload_floats));
    payload = std::move(m.payload);
    return h;
  }

 private:
  InProcNetwork& net_;
  const int rank_;
  bool started_failed_ = false;  // a started send found its receiver cut off
};

InProcNetwork::InProcNetwork(int ranks) : inbox_(static_cast<size_t>(ranks)), cut_off_(static_cast<size_t>(ranks), 0) {
  HSGD_CHECK(ranks >= 1, "ranks ", ranks);
  for (int r = 0; r < ranks; ++r) endpoints_.push_back(std::make_unique<Endpoint>(*this, r));
}

InProcNetwork::~InProcNetwork() = default;

Transport& InProcNetwork::endpoint(int rank) {
  HSGD_CHECK(rank >= 0 && rank < size(), "rank ", rank, " of ", size());
  return *endpoints_[static_cast<size_t>(rank)];
}

void InProcNetwork::cut_off(int rank) {
  std::lock_guard<std::mutex> lock(mu_);
  cut_off_.at(static_cast<size_t>(rank)) = 1;
  inbox_[static_cast<size_t>(rank)].clear();
  arrived_.notify_all();
}

bool InProcNetwork::take(int dest, int source, Message* out, double timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto& box = inbox_[static_cast<size_t>(dest)];
  auto find = [&] {
    return std::find_if(box.begin(), box.end(), [&](const Message& m) { return m.sender == source; });
  };
  const bool arrived = arrived_.wait_for(lock, std::chrono::duration<double>(std::min(timeout, 1e6)),
                                         [&] { return find() != box.end(); });
  if (!arrived) return false;
  const auto it = find();
  *out = std::move(*it);
  box.erase(it);
  return true;
}

}  // namespace hsgd
