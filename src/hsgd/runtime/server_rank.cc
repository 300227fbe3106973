// server_rank.cc: see server_rank.h.
//
// Rank 0 polls its transport (sleeping 0.2 ms when idle, so it never busy-
// waits on an oversubscribed machine) and answers every push through its
// WorkerLinks (worker_links.h): with the new parameters (wait=none, or once
// the gradient is applied; SSP: once the slowest live worker is within the
// bound) or with stop. While evaluation catches up, answers are held back
// (the workers wait, off the clock). The run ends when every live worker has
// said bye, or --worker-timeout seconds after the stop; ranks on rank 0's
// node that are still there then (stopped, hung) are killed once the results
// are written, so that mpirun ends (docs/faults.md).
//
// --servers S > 1: rank 0 is shard 0 and the coordinator. The harness's
// ShardedServer holds shard 0 and a mirror of every other shard: a mirror
// takes its shard's counts from the shard's status (every 0.05 s: budgets,
// progress, divergence) and its whole state before every snapshot,
// checkpoint and the end (gather_states), so that the harness evaluates,
// checkpoints and accounts as it does for the simulator's shards. A shard
// silent for --worker-timeout is lost: the run ends as failed, naming it.
#include "hsgd/runtime/server_rank.h"

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/peak_memory.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/runtime/shard_rank.h"
#include "hsgd/runtime/worker_links.h"

namespace hsgd {
namespace {

// How much longer than --worker-timeout a worker of a sharded server may be
// silent at rank 0: more than a shard's status period (shard_rank.cc).
constexpr double kShardSilenceGrace = 0.5;

class ServerRank {
 public:
  ServerRank(RunHarness& run, Transport& transport, const std::vector<int>& local_pids)
      : run_(run),
        transport_(transport),
        config_(run.config()),
        servers_(run.servers()),
        shards_(servers_.count()),
        links_(transport, servers_.shard(0), config_, shards_, [this] { return clock_.seconds(); }, run.log()),
        told_dead_(links_.workers(), 0),
        shard_heard_(shards_, 0.0),
        shard_lost_(shards_, 0),
        shard_final_(shards_, 0),
        shard_traffic_(shards_),
        local_pids_(local_pids) {}

  RunResult run();

 private:
  void handle(int source, const MessageHeader& m, std::vector<float>& payload);
  void handle_push(int w, const MessageHeader& m, const float* payload);
  void handle_shard(int s, const MessageHeader& m, const std::vector<float>& payload);
  void poll_once();
  void begin_stop(double now);
  void save_checkpoint(double t);
  void write_checkpoint(double t);
  void begin_pause();
  void pause_for_evaluation();
  void evaluate(double t);
  void forward_deaths();
  void check_shards();
  void forgive_waits();
  void send_alive();
  void check_workers();
  void tell_shards(MessageType type, double value = 0, uint64_t version = 0);
  bool gather_states(StateReason reason);
  void wait_for_final_states();
  void send_restore_to_shards();
  void find_ranks_to_kill();
  void kill_silent_ranks() const;
  std::string rank_state(int w) const;
  nlohmann::json summary_fields() const;
  nlohmann::json shard_ranks_json() const;
  size_t expected_floats(int source) const {
    return source < shards_ ? servers_.slice(source).size : servers_.slice(0).size;
  }

  RunHarness& run_;
  Transport& transport_;
  const TrainConfig& config_;
  ShardedServer& servers_;
  int shards_;
  WorkerLinks links_;
  Stopwatch clock_;  // training time; paused while evaluation catches up
  Stopwatch wall_;
  bool paused_ = false;
  Stopwatch pause_clock_;  // how long the current pause has lasted
  double stop_time_ = -1;  // training time when the run stopped; < 0 while it goes on
  bool checkpoint_due_ = false;  // a checkpoint is taken once every worker waits (like an evaluation pause)
  std::vector<char> told_dead_;  // the other shards were told this worker is dead
  // --servers S > 1: per shard (index 0 unused), by wall time.
  std::vector<double> shard_heard_;
  std::vector<char> shard_lost_, shard_final_;
  std::vector<std::vector<uint64_t>> shard_traffic_;  // its bytes in, bytes out, peak RSS (KiB), at its end
  std::vector<int> gathered_;  // shards whose state has come in, during gather_states
  std::vector<int> local_pids_;  // by world rank: its process id on this node, 0 elsewhere
  std::vector<char> to_kill_;    // a rank that never said bye, still there on this node: killed at the end
  double next_shard_alive_ = 0;
  uint64_t bytes_in_ = 0;
  std::vector<float> payload_;
};

void ServerRank::tell_shards(MessageType type, double value, uint64_t version) {
  MessageHeader h;
  h.type = type;
  h.value = value;
  h.version = version;
  for (int s = 1; s < shards_; ++s)
    if (!shard_lost_[s] && !shard_final_[s]) transport_.send(h, nullptr, s);
}

// Workers the links declared dead: the other shards stop waiting for them too.
void ServerRank::forward_deaths() {
  ParameterServer& ps = servers_.shard(0);
  for (int w = 0; w < links_.workers(); ++w)
    if (!ps.alive(w) && !told_dead_[w]) {
      told_dead_[w] = 1;
      tell_shards(MessageType::kWorkerDead, 0, static_cast<uint64_t>(w));
    }
  if (ps.live_workers() == 0) run_.stop(RunStatus::kFailed, "every worker rank is dead");
}

// Shards heard from within --worker-timeout (wall time, but not while rank
// 0 itself waited: forgive_waits).
void ServerRank::check_shards() {
  const double now = wall_.seconds();
  for (int s = 1; s < shards_; ++s) {
    if (shard_lost_[s] || shard_final_[s] || now - shard_heard_[s] <= config_.mpi.worker_timeout) continue;
    shard_lost_[s] = 1;
    transport_.note_peer_lost();
    char why[200];
    std::snprintf(why, sizeof why, "server shard %d (rank %d) has not been heard for %.1fs (--worker-timeout): lost",
                  s, s, now - shard_heard_[s]);
    if (run_.log() != nullptr) std::fprintf(run_.log(), "\nhsgd: %s\n", why);
    run_.stop(RunStatus::kFailed, why);
  }
}

// Rank 0 waited (evaluation, a checkpoint) without reading its messages:
// the shards' statuses and the workers' pushes wait in line, and their
// silence meanwhile is not theirs.
void ServerRank::forgive_waits() {
  std::fill(shard_heard_.begin(), shard_heard_.end(), wall_.seconds());
  links_.forgive_silence();
}

// The workers kept waiting, and the other shards, hear that rank 0 is alive
// (the shards also hear its training time, which their K schedules run on).
void ServerRank::send_alive() {
  links_.send_alive();
  if (shards_ == 1 || wall_.seconds() < next_shard_alive_) return;
  next_shard_alive_ = wall_.seconds() + alive_period(config_);
  tell_shards(MessageType::kAlive, clock_.seconds());
}

// With S > 1, a worker silent at rank 0 may be waiting for another shard's
// answer: it is declared dead a status period or two after a lost shard
// would be, and not at all once a shard is lost (the run fails anyway).
void ServerRank::check_workers() {
  if (std::any_of(shard_lost_.begin(), shard_lost_.end(), [](char lost) { return lost != 0; })) return;
  links_.check_liveness(shards_ > 1 ? kShardSilenceGrace : 0.0);
}

void ServerRank::handle_push(int w, const MessageHeader& m, const float* payload) {
  ParameterServer& ps = servers_.shard(0);
  if (m.version > ps.version())
    throw TransportError("rank " + std::to_string(links_.rank_of(w)) + " pushed a gradient of version " +
                         std::to_string(m.version) + ", newer than the server's " + std::to_string(ps.version()));
  if (stop_time_ >= 0) {
    ps.push_after_end(w);
    links_.send_stop(w);
    return;
  }
  const double now = clock_.seconds();
  PushOutcome out;
  if (shards_ == 1) {
    out = run_.push(w, m.version, payload, m.value, now);
  } else {
    out = run_.push_slice(0, w, m.version, payload, now);
    run_.record_gradient(m.value, now);
  }
  links_.answer_push(w, out, run_.stopping());
}

void ServerRank::handle_shard(int s, const MessageHeader& m, const std::vector<float>& payload) {
  shard_heard_[s] = wall_.seconds();
  if (m.type == MessageType::kAlive) return;
  if (m.type != MessageType::kShardStatus && m.type != MessageType::kShardState)
    throw TransportError("unexpected " + std::string(to_string(m.type)) + " message from server shard " +
                         std::to_string(s));
  const CheckpointFile file =
      CheckpointFile::parse(bytes_of(m, payload, s), "the state of server shard " + std::to_string(s));
  ParameterServer& mirror = servers_.shard(s);
  if (m.type == MessageType::kShardStatus) {
    mirror.restore_counters(file);
  } else {
    mirror.restore_state(file);
    gathered_.push_back(s);
    if (static_cast<StateReason>(static_cast<int>(m.value)) == StateReason::kFinal) {
      shard_final_[s] = 1;
      shard_traffic_[s] = file.u64s("shard/traffic", 3);
    }
  }
  if (!mirror.params_finite() && stop_time_ < 0)
    run_.stop(RunStatus::kDiverged, "the parameters of server shard " + std::to_string(s) + " are not finite");
}

void ServerRank::handle(int source, const MessageHeader& m, std::vector<float>& payload) {
  if (source < shards_) return handle_shard(source, m, payload);
  const int w = links_.worker_of(source);
  links_.heard(w);
  bytes_in_ += MessageHeader::kBytes + payload.size() * sizeof(float);
  if (m.type == MessageType::kBye) return links_.said_bye(w, payload.data());
  if (m.type != MessageType::kPush)
    throw TransportError("unexpected " + std::string(to_string(m.type)) + " message from rank " +
                         std::to_string(source));
  handle_push(w, m, payload.data());
}

void ServerRank::poll_once() {
  std::vector<float>& payload = payload_;  // a push's gradient is received straight into this
  int sender = 0;
  if (!transport_.poll(kAnySource, &sender, /*spin_first=*/false)) return;
  try {
    const MessageHeader m = transport_.receive(sender, expected_floats(sender), payload, config_.mpi.worker_timeout);
    handle(sender, m, payload);
  } catch (const PeerSilent& e) {
    links_.forgive_silence();
    if (sender >= shards_) links_.declare_dead(links_.worker_of(sender), e.what());
  }
}

// --servers S > 1: asks every other shard for its state (a kStop is its own
// request) and serves the workers until each has answered or is lost; the
// mirrors then hold every shard's state. Returns false if a shard was lost.
bool ServerRank::gather_states(StateReason reason) {
  if (shards_ == 1) return true;
  gathered_.clear();
  if (reason == StateReason::kStop)
    tell_shards(MessageType::kStop, transport_.peer_lost() ? 1 : 0);
  else
    tell_shards(MessageType::kStateRequest, static_cast<double>(reason));
  const auto answered = [&] {
    for (int s = 1; s < shards_; ++s)
      if (!shard_lost_[s] && std::find(gathered_.begin(), gathered_.end(), s) == gathered_.end()) return false;
    return true;
  };
  while (!answered()) {
    poll_once();
    check_shards();
    check_workers();
    forward_deaths();
  }
  return std::none_of(shard_lost_.begin(), shard_lost_.end(), [](char lost) { return lost != 0; });
}

void ServerRank::evaluate(double t) {
  gather_states(StateReason::kSnapshot);
  run_.evaluate(t);
}

// Rank 0's state at training time t: the PS (every shard's, gathered) and
// the harness (the workers' minibatch orders stay in their ranks: a resumed
// run's workers draw new ones). The waiting workers hear that rank 0 is
// alive while evaluation catches up.
void ServerRank::save_checkpoint(double t) {
  if (!gather_states(StateReason::kCheckpoint)) return;  // a lost shard: nothing whole to save
  write_checkpoint(t);
}

// The shards' states are in their mirrors: the harness writes the checkpoint.
void ServerRank::write_checkpoint(double t) {
  run_.wait_for_evaluation([this] { send_alive(); }, 0);
  run_.save_checkpoint(t, [](CheckpointFile&) {});
  forgive_waits();
}

void ServerRank::begin_stop(double now) {
  if (stop_time_ >= 0) return;
  stop_time_ = now;
  const bool whole = gather_states(StateReason::kStop);
  // A clean stop is a point to go on from: gradients still in flight are not
  // in it (they are dropped as run-ended in this run, and never were in the resumed one).
  if (config_.checkpoint_every > 0 && !run_.ended_badly() && whole) write_checkpoint(now);
  run_.end_training(now);
  links_.stop_waiting();
  if (!whole)  // a worker may wait for a lost shard's answer: every one is told at once
    for (int w = 0; w < links_.workers(); ++w) links_.send_stop(w);
}

// Evaluation lags: the training clock stops now, and answers are held back
// (gradients in flight land with the pause's time).
void ServerRank::begin_pause() {
  if (paused_) return;
  paused_ = true;
  links_.hold();
  pause_clock_ = Stopwatch();
  clock_.pause();
}

// Every live worker waits for an answer: wait until evaluation has caught
// up, then send what was held back.
void ServerRank::pause_for_evaluation() {
  run_.wait_for_evaluation([this] { send_alive(); });
  forgive_waits();
  run_.note_pause(pause_clock_.seconds());
  paused_ = false;
  // A run stopped meanwhile ends at the pause's time; the clock goes on
  // either way, for the liveness checks and the wait for the workers' byes.
  if (run_.stopping()) begin_stop(clock_.seconds());
  clock_.resume();
  if (stop_time_ >= 0) return;
  links_.release_held();
}

// A resumed run's shards start from the checkpoint's slices (the mirrors
// hold them), a new run's from the initial ones: either way rank 0 sends each
// shard its state before any worker starts.
void ServerRank::send_restore_to_shards() {
  for (int s = 1; s < shards_; ++s) {
    CheckpointFile state;
    servers_.shard(s).save_state(state);
    const std::string bytes = state.serialize();
    const std::vector<float> floats = floats_of(bytes);
    MessageHeader h;
    h.type = MessageType::kShardRestore;
    h.payload_floats = floats.size();
    h.value = clock_.seconds();  // the training time it starts at
    h.value2 = static_cast<double>(bytes.size());
    if (transport_.send_within(h, floats.data(), s, config_.mpi.worker_timeout) != SendOutcome::kSent) {
      shard_lost_[s] = 1;
      transport_.note_peer_lost();
      run_.stop(RunStatus::kFailed, "server shard " + std::to_string(s) + " (rank " + std::to_string(s) +
                                        ") did not take its starting state");
    }
    shard_heard_[s] = wall_.seconds();
  }
}

// The other shards send their final state once their workers have left;
// rank 0 waits for it as long as a shard may wait for a silent worker.
void ServerRank::wait_for_final_states() {
  const Stopwatch waited;
  const auto done = [&] {
    for (int s = 1; s < shards_; ++s)
      if (!shard_lost_[s] && !shard_final_[s]) return false;
    return true;
  };
  while (!done() && waited.seconds() < config_.mpi.worker_timeout + 5) {
    poll_once();
    check_shards();
  }
  for (int s = 1; s < shards_; ++s)
    if (!shard_final_[s] && !shard_lost_[s]) {
      shard_lost_[s] = 1;
      transport_.note_peer_lost();
      run_.stop(RunStatus::kFailed, "server shard " + std::to_string(s) + " never sent its final state");
    }
}

RunResult ServerRank::run() {
  // While rank 0 waits on one rank (a send, a payload), the others still hear from it.
  transport_.set_keepalive([this] { send_alive(); });
  struct Unset {
    Transport& t;
    ~Unset() { t.set_keepalive({}); }
  } unset{transport_};
  const CheckpointFile* resumed = run_.resumed_from();
  if (resumed == nullptr) run_.evaluate_start();
  const double start = resumed != nullptr ? checkpoint_time(*resumed) : 0.0;
  clock_ = Stopwatch(start);  // training time goes on from the checkpoint's
  send_restore_to_shards();
  for (int w = 0; w < links_.workers(); ++w) {
    links_.heard(w);
    links_.send_params(w);
  }
  double next_eval = next_multiple_after(run_.last_snapshot_time(), config_.eval.every_seconds), next_progress = 0;
  double next_checkpoint = config_.checkpoint_every > 0 ? next_multiple_after(start, config_.checkpoint_every) : INFINITY;
  while (true) {
    poll_once();
    forward_deaths();
    check_shards();
    const double now = clock_.seconds();
    if (stop_time_ < 0) {
      run_.check_time(now);
      if (run_.stopping()) begin_stop(now);
    }
    if (stop_time_ < 0 && now >= next_eval) {
      evaluate(next_eval);
      next_eval += config_.eval.every_seconds;
      if (run_.evaluation_lagging()) begin_pause();
    }
    if (stop_time_ < 0 && config_.checkpoint_every > 0 && now >= next_checkpoint) {
      checkpoint_due_ = true;  // once every worker waits: no gradient in flight
      begin_pause();
      next_checkpoint = next_multiple_after(now, config_.checkpoint_every);
    }
    if (paused_ && links_.all_idle()) {
      if (checkpoint_due_ && stop_time_ < 0) save_checkpoint(clock_.seconds());
      checkpoint_due_ = false;
      pause_for_evaluation();
    }
    check_workers();
    send_alive();
    if (stop_time_ >= 0 && (links_.finished() || clock_.seconds() - stop_time_ > config_.mpi.worker_timeout)) break;
    if (stop_time_ < 0 && now >= next_progress) {
      next_progress = now + 0.5;
      char live[32];
      std::snprintf(live, sizeof live, "live %d/%d", servers_.shard(0).live_workers(), links_.workers());
      run_.show_progress(now, wall_.seconds(), live);
    }
  }
  // Everyone not yet told (a rank declared dead may still be listening) is told now.
  for (int w = 0; w < links_.workers(); ++w) links_.send_stop(w);
  wait_for_final_states();
  find_ranks_to_kill();
  RunResult result = run_.finish(stop_time_, summary_fields());
  kill_silent_ranks();  // the results are safe: nothing may keep mpirun waiting now
  return result;
}

// A rank that never said bye (or a shard that never sent its final state)
// is stopped (SIGSTOP), hung or dead; while it lives, MPI_Finalize and mpirun
// wait for it. One still there on this node is killed (SIGKILL ends a
// stopped process too); one elsewhere is left to its own --server-timeout,
// or to whoever stopped it.
void ServerRank::find_ranks_to_kill() {
  to_kill_.assign(static_cast<size_t>(transport_.size()), 0);
  for (int r = 1; r < transport_.size(); ++r) {
    const bool done = r < shards_ ? shard_final_[r] != 0 : links_.said_bye(links_.worker_of(r));
    if (done) continue;
    transport_.note_peer_lost();
    const int pid = local_pids_.at(static_cast<size_t>(r));
    if (pid > 0) {
      to_kill_[r] = kill(pid, 0) == 0;  // still there
    } else if (run_.log() != nullptr) {
      std::fprintf(run_.log(), "hsgd: rank %d (on another node) never said bye; mpirun waits until it ends\n", r);
    }
  }
}

void ServerRank::kill_silent_ranks() const {
  for (int r = 1; r < transport_.size(); ++r) {
    if (!to_kill_[r]) continue;
    const int pid = local_pids_[static_cast<size_t>(r)];
    kill(pid, SIGKILL);
    if (run_.log() != nullptr) std::fprintf(run_.log(), "hsgd: rank %d (pid %d) never said bye: killed\n", r, pid);
  }
}

// What became of a worker rank, as the summary says it.
std::string ServerRank::rank_state(int w) const {
  const bool alive = servers_.shard(0).alive(w);
  if (links_.said_bye(w)) return alive ? "finished" : "finished (declared dead during the run)";
  const std::string state = alive ? "silent at the end" : "dead";
  return to_kill_[links_.rank_of(w)] ? state + ", killed after the results were written" : state;
}

// Each server rank's slice, traffic and memory (rank 0's traffic counts its
// workers' messages; with S > 1 its memory holds the mirrors too).
nlohmann::json ServerRank::shard_ranks_json() const {
  nlohmann::json ranks = nlohmann::json::array();
  for (int s = 0; s < shards_; ++s) {
    nlohmann::json r = {{"rank", s}, {"shard", s}, {"params", servers_.slice(s).size}};
    if (s == 0) {
      r["bytes_in"] = bytes_in_;
      r["bytes_out"] = links_.bytes_out();
      r["peak_rss_mb"] = peak_rss_mb();
      r["state"] = "finished";
    } else {
      const auto& t = shard_traffic_[s];
      if (t.size() == 3) {
        r["bytes_in"] = t[0];
        r["bytes_out"] = t[1];
        r["peak_rss_mb"] = static_cast<double>(t[2]) / 1024;
      }
      r["state"] = shard_final_[s] ? "finished" : shard_lost_[s] ? "lost" : "silent at the end";
    }
    ranks.push_back(r);
  }
  return ranks;
}

nlohmann::json ServerRank::summary_fields() const {
  nlohmann::json ranks = nlohmann::json::array();
  for (int w = 0; w < links_.workers(); ++w) {
    const auto& timing = links_.timing(w);
    ranks.push_back({{"rank", links_.rank_of(w)},
                     {"alive", servers_.shard(0).alive(w)},
                     {"state", rank_state(w)},
                     {"compute_s", timing[0]},
                     {"wait_s", timing[1]},
                     {"communication_s", timing[2]},
                     {"delay_s", timing[3]},
                     {"peak_rss_mb", timing[4]}});
  }
  nlohmann::json fields = {{"server_peak_rss_mb", peak_rss_mb()}, {"ranks", ranks}};
  fields["server_ranks"] = shard_ranks_json();
  return fields;
}

}  // namespace

RunResult serve_as_server_rank(RunHarness& run, Transport& transport, const std::vector<int>& local_pids) {
  return ServerRank(run, transport, local_pids).run();
}

}  // namespace hsgd
