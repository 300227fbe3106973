// worker_rank.cc: see worker_rank.h.
//
// With --servers S > 1 a worker talks to every shard (ranks 0..S-1): it
// takes its parameters as S slices, one answer from each shard, and pushes
// each shard its slice of the gradient, all slices in flight together while
// it already receives the shards' answers (so that no shard, blocked in a
// send to this worker, waits on a rank that waits on it).
#include "hsgd/runtime/worker_rank.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <thread>

#include "hsgd/common/peak_memory.h"
#include "hsgd/common/stop_signals.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/ps/shard_layout.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

TransportError server_lost(Transport& transport, int server, double timeout, const char* doing) {
  if (server == 0) transport.note_server_lost();
  const int rank = transport.rank();
  char what[300];
  std::snprintf(what, sizeof what,
                "rank %d: no word from the server (rank %d) for %.1fs while %s (--server-timeout): it has died or "
                "cannot be reached; this worker leaves",
                rank, server, timeout, doing);
  return TransportError(what);
}

// The answers of every shard to one request (the first parameters, or a
// push): each shard's slice lands in `params` at its place, with its version.
class ServerLinks {
 public:
  ServerLinks(Transport& transport, const TrainConfig& config, size_t num_params)
      : transport_(transport),
        rank_(transport.rank()),
        timeout_(config.mpi.server_timeout),
        slices_(balance_slices(num_params, config.servers)),
        versions_(slices_.size(), 0),
        params_(num_params) {}

  int shards() const { return static_cast<int>(slices_.size()); }
  const std::vector<float>& params() const { return params_; }
  uint64_t version(int s) const { return versions_[s]; }
  const ParamSlice& slice(int s) const { return slices_[s]; }
  // A stop came (value: a peer was lost, leave without MPI_Finalize).
  bool stopped() const { return stopped_; }

  // Pushes every shard its slice of `gradient` (the loss rides with each;
  // rank 0 counts shard 0's): one server at once, shards together (pull()
  // then waits for the slices to go out as it takes the answers).
  void push(const float* gradient, double loss);
  // The first parameters, or (after a push) every shard's answer. Returns false on a stop.
  bool pull();
  // The last message to every shard: bye, with this worker's timing.
  void say_bye(const float* timing);

 private:
  void take(int sender, const MessageHeader& m);
  void send(const MessageHeader& h, const float* payload, int dest);

  Transport& transport_;
  int rank_;
  double timeout_;
  std::vector<ParamSlice> slices_;
  std::vector<uint64_t> versions_;
  std::vector<float> params_;   // the whole model's, put together from the slices
  std::vector<float> scratch_;  // one slice, as it arrives (S > 1)
  std::vector<char> answered_;
  bool stopped_ = false;
};

void ServerLinks::take(int sender, const MessageHeader& m) {
  if (m.type == MessageType::kStop) {
    if (m.value != 0) transport_.note_peer_lost();
    stopped_ = true;
  } else if (m.type != MessageType::kParams) {
    throw TransportError("rank " + std::to_string(rank_) + ": unexpected " + std::string(to_string(m.type)) +
                         " message from rank " + std::to_string(sender));
  } else {
    versions_[sender] = m.version;
    if (shards() > 1) std::copy(scratch_.begin(), scratch_.end(), params_.begin() + slices_[sender].begin);
  }
  answered_[sender] = 1;
}

bool ServerLinks::pull() {
  answered_.assign(slices_.size(), 0);
  std::vector<Stopwatch> silent(slices_.size());
  bool sending = shards() > 1;  // the slices of a push may still be going out
  const Stopwatch send_clock;
  while (true) {
    if (sending) {
      const SendProgress p = transport_.test_sends();
      if (p == SendProgress::kFailed)
        throw TransportError("rank " + std::to_string(rank_) + ": the transport could not send a push to a server shard");
      sending = p == SendProgress::kPending;
      if (sending && send_clock.seconds() > timeout_) {
        transport_.abandon_sends();
        throw server_lost(transport_, 0, timeout_, "sending its slices to the server shards");
      }
    }
    const bool all = std::all_of(answered_.begin(), answered_.end(), [](char a) { return a != 0; });
    // Every answer is in, or a stop that says a peer was lost: no other answer is waited for.
    if (!sending && (all || (stopped_ && transport_.peer_lost()))) return !stopped_;
    int sender = 0;
    if (transport_.poll(kAnySource, &sender, /*spin_first=*/true)) {
      if (sender >= shards())
        throw TransportError("rank " + std::to_string(rank_) + ": a message from rank " + std::to_string(sender) +
                             ", not a server");
      std::vector<float>& into = shards() > 1 ? scratch_ : params_;
      MessageHeader m;
      try {
        m = transport_.receive(sender, slices_[sender].size, into, timeout_);
      } catch (const PeerSilent&) {
        throw server_lost(transport_, sender, timeout_, "receiving a message from it");
      }
      silent[sender] = Stopwatch();
      if (m.type != MessageType::kAlive) take(sender, m);
      continue;
    }
    for (int s = 0; s < shards(); ++s)
      if (!answered_[s] && silent[s].seconds() > timeout_) throw server_lost(transport_, s, timeout_, "waiting for its answer");
  }
}

void ServerLinks::send(const MessageHeader& h, const float* payload, int dest) {
  const SendOutcome sent = transport_.send_within(h, payload, dest, timeout_);
  if (sent == SendOutcome::kTimedOut) throw server_lost(transport_, dest, timeout_, "sending to it");
  if (sent == SendOutcome::kFailed)
    throw TransportError("rank " + std::to_string(rank_) + ": the transport could not send a " + to_string(h.type) +
                         " message to the server (rank " + std::to_string(dest) + ")");
}

void ServerLinks::push(const float* gradient, double loss) {
  for (int s = 0; s < shards(); ++s) {
    MessageHeader h;
    h.type = MessageType::kPush;
    h.sender = rank_;
    h.version = versions_[s];
    h.payload_floats = slices_[s].size;
    h.value = loss;
    if (shards() == 1)
      send(h, gradient, 0);  // one server only ever sends to a worker blocked in its receive
    else
      transport_.start_send(h, gradient + slices_[s].begin, s);
  }
}

void ServerLinks::say_bye(const float* timing) {
  MessageHeader bye;
  bye.type = MessageType::kBye;
  bye.sender = rank_;
  bye.payload_floats = kByeFloats;
  for (int s = 0; s < shards(); ++s) {
    if (transport_.peer_lost() && s > 0) {
      transport_.send(bye, timing, s);  // a small message, at once; a lost shard may not take it
      continue;
    }
    send(bye, timing, s);
  }
}

}  // namespace

void run_worker_rank(Transport& transport, const TrainConfig& config, const Dataset& data, const ModelFactory& factory) {
  const StopSignals signals;  // mpirun forwards Ctrl-C: leave when rank 0 says stop
  const int rank = transport.rank();
  const int w = rank - config.servers;
  auto model = factory(config.seed);
  std::vector<size_t> all(data.train.size());
  std::iota(all.begin(), all.end(), size_t{0});
  GradientWorker worker(w, *model, data, all, config.batch_size, config.seed);
  DelayModel delays(config.delay, config.workers(), config.seed);
  ServerLinks servers(transport, config, worker.num_params());
  const bool hang = config.mpi.hang_rank == rank;
  double compute_s = 0, wait_s = 0, comm_s = 0, delay_s = 0;
  int64_t pushes = 0;
  Stopwatch waiting;
  bool more = servers.pull();
  wait_s += waiting.seconds();
  // A first version above 0 is a resumed run: this rank's old minibatch
  // order is not in the checkpoint, so it draws a new one (not the first
  // run's again).
  if (more && servers.version(0) > 0) worker.sampler().reseed(derive_seed(config.seed, servers.version(0)));
  while (more) {
    if (hang && pushes >= config.mpi.hang_after) {
      // Fault injection for tests: stop answering, but leave when told to stop.
      while (servers.pull()) {
      }
      break;
    }
    Stopwatch computing;
    const double loss = worker.compute(servers.params().data());
    compute_s += computing.seconds();
    const double delay = delays.next(w);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    delay_s += delay;
    Stopwatch communicating;
    servers.push(worker.gradient().data(), loss);
    comm_s += communicating.seconds();
    ++pushes;
    Stopwatch answered;
    more = servers.pull();
    wait_s += answered.seconds();
  }
  const float timing[kByeFloats] = {float(compute_s), float(wait_s), float(comm_s), float(delay_s),
                                    float(peak_rss_mb())};
  servers.say_bye(timing);
}

}  // namespace hsgd
