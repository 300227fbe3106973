// shard_rank.cc: see shard_rank.h.
#include "hsgd/runtime/shard_rank.h"

#include <cstdio>
#include <memory>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/common/peak_memory.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/ps/shard_layout.h"
#include "hsgd/runtime/run_harness.h"
#include "hsgd/runtime/worker_links.h"

namespace hsgd {
namespace {

constexpr double kStatusPeriod = 0.05;  // seconds between two status messages to rank 0

class ShardRank {
 public:
  ShardRank(Transport& transport, const TrainConfig& config, size_t num_params)
      : transport_(transport),
        config_(config),
        shard_(transport.rank()),
        slice_(balance_slices(num_params, config.servers).at(static_cast<size_t>(shard_))) {}

  void run();

 private:
  MessageHeader receive_from_coordinator();
  void start(const MessageHeader& restore);
  void handle(int source, const MessageHeader& m);
  void handle_coordinator(const MessageHeader& m);
  void send_bytes(MessageType type, const CheckpointFile& file, double value);
  void send_state(StateReason reason);
  void send_status();
  double now() const { return wall_.seconds() + clock_offset_; }
  TransportError coordinator_lost(const char* doing) const;

  Transport& transport_;
  const TrainConfig& config_;
  int shard_;
  ParamSlice slice_;
  std::unique_ptr<ParameterServer> ps_;
  std::unique_ptr<WorkerLinks> links_;
  std::vector<float> payload_;
  Stopwatch wall_;
  double clock_offset_ = 0;     // rank 0's training time minus this rank's wall time, at its last word
  double heard_coordinator_ = 0;  // wall time
  double next_status_ = 0;
  double stop_wall_ = -1;  // wall time of rank 0's stop; < 0 while the run goes on
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
};

TransportError ShardRank::coordinator_lost(const char* doing) const {
  transport_.note_server_lost();
  char what[256];
  std::snprintf(what, sizeof what,
                "server shard %d: no word from rank 0 (the coordinator) for %.1fs while %s (--server-timeout): it has "
                "died or cannot be reached; this shard leaves",
                shard_, config_.mpi.server_timeout, doing);
  return TransportError(what);
}

// Rank 0's first message: the state to start from (or stop, if the run
// failed before it began). An "alive" still on its way from the run before
// (hsgd compare runs one after another) is passed over.
MessageHeader ShardRank::receive_from_coordinator() {
  Stopwatch waited;
  while (true) {
    int sender = 0;
    while (!transport_.poll(0, &sender, /*spin_first=*/true))
      if (waited.seconds() > config_.mpi.server_timeout) throw coordinator_lost("waiting for its starting state");
    MessageHeader m;
    try {
      m = transport_.receive(0, slice_.size, payload_, config_.mpi.server_timeout);
    } catch (const PeerSilent&) {
      throw coordinator_lost("receiving its starting state");
    }
    if (m.type != MessageType::kAlive) return m;
    waited = Stopwatch();
  }
}

void ShardRank::start(const MessageHeader& restore) {
  const CheckpointFile state = CheckpointFile::parse(bytes_of(restore, payload_, 0), "rank 0's starting state");
  ps_ = std::make_unique<ParameterServer>(state.floats("ps/params", slice_.size), config_.ps);
  ps_->restore_state(state);
  clock_offset_ = restore.value;
  links_ = std::make_unique<WorkerLinks>(transport_, *ps_, config_, config_.servers, [this] { return now(); }, nullptr);
  for (int w = 0; w < links_->workers(); ++w) links_->send_params(w);
}

void ShardRank::send_bytes(MessageType type, const CheckpointFile& file, double value) {
  const std::string bytes = file.serialize();
  const std::vector<float> floats = floats_of(bytes);
  MessageHeader h;
  h.type = type;
  h.sender = shard_;
  h.payload_floats = floats.size();
  h.value = value;
  h.value2 = static_cast<double>(bytes.size());
  if (transport_.send_within(h, floats.data(), 0, config_.mpi.server_timeout) != SendOutcome::kSent)
    throw coordinator_lost("sending it its state");
  bytes_out_ += MessageHeader::kBytes + floats.size() * sizeof(float);
}

// The whole state; a snapshot's (or the stop's, which the last snapshot
// takes) staleness window now belongs to rank 0, and starts again here.
void ShardRank::send_state(StateReason reason) {
  CheckpointFile file;
  ps_->save_state(file);
  const auto rss_kib = static_cast<uint64_t>(peak_rss_mb() * 1024);
  file.set_u64s("shard/traffic", {bytes_in_, bytes_out_ + links_->bytes_out(), rss_kib});
  send_bytes(MessageType::kShardState, file, static_cast<double>(reason));
  if (reason == StateReason::kSnapshot || reason == StateReason::kStop) ps_->take_staleness_window();
}

// A small message, sent without waiting: a slow or stopped rank 0 never
// blocks this shard (its silence is timed on its own).
void ShardRank::send_status() {
  if (wall_.seconds() < next_status_) return;
  next_status_ = wall_.seconds() + kStatusPeriod;
  CheckpointFile file;
  ps_->save_counters(file);
  const std::string bytes = file.serialize();
  const std::vector<float> floats = floats_of(bytes);
  MessageHeader h;
  h.type = MessageType::kShardStatus;
  h.sender = shard_;
  h.payload_floats = floats.size();
  h.value2 = static_cast<double>(bytes.size());
  if (!transport_.send(h, floats.data(), 0)) throw coordinator_lost("sending it its status");
  bytes_out_ += MessageHeader::kBytes + floats.size() * sizeof(float);
}

void ShardRank::handle_coordinator(const MessageHeader& m) {
  switch (m.type) {
    case MessageType::kAlive: clock_offset_ = m.value - wall_.seconds(); return;
    case MessageType::kStateRequest: return send_state(static_cast<StateReason>(static_cast<int>(m.value)));
    case MessageType::kWorkerDead:
      if (m.version < static_cast<uint64_t>(links_->workers()))
        links_->declare_dead(static_cast<int>(m.version), "rank 0 declared it dead");
      return;
    case MessageType::kStop:
      if (stop_wall_ >= 0) return;
      if (m.value != 0) transport_.note_peer_lost();
      stop_wall_ = wall_.seconds();
      send_state(StateReason::kStop);
      links_->stop_waiting();
      return;
    default:
      throw TransportError("server shard " + std::to_string(shard_) + ": unexpected " + to_string(m.type) +
                           " message from rank 0");
  }
}

void ShardRank::handle(int source, const MessageHeader& m) {
  if (source == 0) return handle_coordinator(m);
  const int w = links_->worker_of(source);
  if (w < 0)
    throw TransportError("server shard " + std::to_string(shard_) + ": unexpected " + to_string(m.type) +
                         " message from server shard " + std::to_string(source));
  links_->heard(w);
  bytes_in_ += MessageHeader::kBytes + payload_.size() * sizeof(float);
  if (m.type == MessageType::kBye) return links_->said_bye(w, payload_.data());
  if (m.type != MessageType::kPush)
    throw TransportError("server shard " + std::to_string(shard_) + ": unexpected " + to_string(m.type) +
                         " message from rank " + std::to_string(source));
  if (m.version > ps_->version())
    throw TransportError("rank " + std::to_string(source) + " pushed server shard " + std::to_string(shard_) +
                         " a slice of version " + std::to_string(m.version) + ", newer than the shard's " +
                         std::to_string(ps_->version()));
  if (stop_wall_ >= 0) {
    ps_->push_after_end(w);
    links_->send_stop(w);
    return;
  }
  const PushOutcome out =
      timed_push(*ps_, config_.server_cost, /*real_time=*/true, w, m.version, payload_.data(), now());
  links_->answer_push(w, out, false);
}

void ShardRank::run() {
  const MessageHeader first = receive_from_coordinator();
  if (first.type == MessageType::kStop) return;
  if (first.type != MessageType::kShardRestore)
    throw TransportError("server shard " + std::to_string(shard_) + ": expected its starting state from rank 0, got " +
                         to_string(first.type));
  start(first);
  transport_.set_keepalive([this] { links_->send_alive(); });  // while it waits on one rank
  struct Unset {
    Transport& t;
    ~Unset() { t.set_keepalive({}); }
  } unset{transport_};
  heard_coordinator_ = wall_.seconds();
  while (true) {
    int sender = 0;
    if (transport_.poll(kAnySource, &sender, /*spin_first=*/false)) {
      try {
        const MessageHeader m = transport_.receive(sender, slice_.size, payload_, config_.mpi.worker_timeout);
        if (sender == 0) heard_coordinator_ = wall_.seconds();
        handle(sender, m);
      } catch (const PeerSilent& e) {
        if (sender == 0) throw coordinator_lost("receiving a message from it");
        links_->forgive_silence();
        links_->declare_dead(links_->worker_of(sender), e.what());
      }
    }
    if (wall_.seconds() - heard_coordinator_ > config_.mpi.server_timeout) throw coordinator_lost("serving its workers");
    send_status();
    links_->send_alive();
    if (stop_wall_ >= 0 && (links_->finished() || wall_.seconds() - stop_wall_ > config_.mpi.worker_timeout)) break;
  }
  send_state(StateReason::kFinal);
}

}  // namespace

void run_shard_rank(Transport& transport, const TrainConfig& config, size_t num_params) {
  ShardRank(transport, config, num_params).run();
}

}  // namespace hsgd
