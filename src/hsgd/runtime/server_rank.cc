// server_rank.cc: see server_rank.h.
//
// Rank 0 polls its transport (sleeping 0.2 ms when idle, so it never busy-
// waits on an oversubscribed machine) and answers every push: with the new
// parameters (wait=none, or once the gradient is applied; SSP: once the
// slowest live worker is within the bound) or with stop. Large
// messages go only to a worker blocked in its receive, so no send can
// deadlock. While evaluation catches up, answers are held back (the workers
// wait, off the clock). A worker kept waiting hears "alive" every second or
// so. The run ends when every live worker has said bye, or --worker-timeout
// seconds after the stop; ranks on rank 0's node that are still there then
// (stopped, hung) are killed once the results are written, so that mpirun
// ends (docs/faults.md).
#include "hsgd/runtime/server_rank.h"

#include <signal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/peak_memory.h"
#include "hsgd/common/stopwatch.h"

namespace hsgd {
namespace {

class ServerRank {
 public:
  ServerRank(RunHarness& run, Transport& transport, const std::vector<int>& local_pids)
      : run_(run),
        transport_(transport),
        config_(run.config()),
        ps_(run.ps()),
        workers_(transport.size() - 1),
        waits_for_apply_(config_.ps.waits_for_apply()),
        last_heard_(workers_, 0.0),
        waiting_(workers_, 0),
        held_(workers_, 0),
        said_bye_(workers_, 0),
        stop_sent_(workers_, 0),
        timing_(workers_),
        local_pids_(local_pids) {}

  RunResult run();

 private:
  void send_params(int w);
  void send_stop(int w);
  void release_waiting();
  void release_ssp();
  void handle(int source, const MessageHeader& m, const float* payload);
  void begin_stop(double now);
  void check_liveness(double now);
  void declare_dead(int w, double now, const std::string& why);
  // The server just waited for one rank (up to --worker-timeout) and heard
  // nobody meanwhile: that silence is not the other ranks'.
  void forgive_silence() {
    const double now = clock_.seconds();
    for (double& heard : last_heard_) heard = std::max(heard, now);
  }
  void send_alive();
  void save_checkpoint(double t);
  void find_ranks_to_kill();
  void kill_silent_ranks() const;
  std::string rank_state(int w) const;
  bool all_idle() const;
  void begin_pause();
  void pause_for_evaluation();
  bool finished() const;
  nlohmann::json summary_fields() const;

  RunHarness& run_;
  Transport& transport_;
  const TrainConfig& config_;
  ParameterServer& ps_;
  int workers_;
  bool waits_for_apply_;
  Stopwatch clock_;  // training time; paused while evaluation catches up
  Stopwatch wall_;
  std::vector<double> last_heard_;
  std::vector<char> waiting_;  // for its gradient to be applied, or (SSP) for the slowest worker
  std::vector<char> held_;     // its parameters are held back while evaluation catches up
  std::vector<char> said_bye_, stop_sent_;
  std::vector<std::array<float, kByeFloats>> timing_;
  bool paused_ = false;
  Stopwatch pause_clock_;  // how long the current pause has lasted
  double stop_time_ = -1;  // training time when the run stopped; < 0 while it goes on
  std::vector<int> local_pids_;  // by world rank: its process id on this node, 0 elsewhere
  std::vector<char> to_kill_;    // never said bye, and still there on this node: killed at the end
  double next_alive_ = 0;        // wall time of the next round of alive messages
  bool checkpoint_due_ = false;  // a checkpoint is taken once every worker waits (like an evaluation pause)
};

// How often a worker kept waiting hears that rank 0 is alive: often enough
// for any --server-timeout, at most once a second.
double alive_period(const TrainConfig& config) { return std::min(1.0, config.mpi.server_timeout / 4); }

void ServerRank::send_params(int w) {
  if (paused_) {
    held_[w] = 1;
    return;
  }
  MessageHeader h;
  h.type = MessageType::kParams;
  h.version = ps_.version();
  h.payload_floats = ps_.num_params();
  // A worker that died (or was stopped) while waiting never takes the
  // parameters: after --worker-timeout it is given up on.
  const SendOutcome sent = transport_.send_within(h, ps_.params().data(), w + 1, config_.mpi.worker_timeout);
  if (sent == SendOutcome::kFailed) return declare_dead(w, clock_.seconds(), "the transport could not reach it");
  if (sent == SendOutcome::kTimedOut) {
    forgive_silence();
    return declare_dead(w, clock_.seconds(), "it did not take its parameters");
  }
  last_heard_[w] = clock_.seconds();  // the worker's next step starts now
}

// Workers blocked in a receive (waiting for an update, or held back while
// evaluation catches up) hear that rank 0 is alive, so that they can tell a
// long wait from a dead server (--server-timeout).
void ServerRank::send_alive() {
  const double now = wall_.seconds();
  if (now < next_alive_) return;
  next_alive_ = now + alive_period(config_);
  MessageHeader h;
  h.type = MessageType::kAlive;
  for (int w = 0; w < workers_; ++w)
    if ((waiting_[w] || held_[w]) && ps_.alive(w) && !said_bye_[w] && !stop_sent_[w]) transport_.send(h, nullptr, w + 1);
}

void ServerRank::send_stop(int w) {
  if (stop_sent_[w]) return;
  stop_sent_[w] = 1;
  MessageHeader h;
  h.type = MessageType::kStop;
  h.value = transport_.peer_lost() ? 1 : 0;  // the worker then leaves without MPI_Finalize too
  // A small message goes out eagerly; to a rank that died, the send may fail,
  // and that is no reason to stop the others.
  transport_.send(h, nullptr, w + 1);
}

// An update was applied: every worker waiting for one gets the new parameters.
void ServerRank::release_waiting() {
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

// Rank 0's state at training time t: the PS and the harness (the workers'
// minibatch orders stay in their ranks: a resumed run's workers draw new ones).
// The workers hear that rank 0 is alive while evaluation catches up.
void ServerRank::save_checkpoint(double t) {
  run_.wait_for_evaluation([this] { send_alive(); }, 0);
  run_.save_checkpoint(t, [](CheckpointFile&) {});
}

void ServerRank::begin_stop(double now) {
  if (stop_time_ >= 0) return;
  stop_time_ = now;
  // A clean stop is a point to go on from: gradients still in flight are not
  // in it (they are dropped as run-ended in this run, and never were in the resumed one).
  if (config_.checkpoint_every > 0 && !run_.ended_badly()) save_checkpoint(now);
  run_.end_training(now);
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w] || held_[w]) {  // blocked in a receive: tell them now
      waiting_[w] = held_[w] = 0;
      send_stop(w);
    }
}

void ServerRank::handle(int source, const MessageHeader& m, const float* payload) {
  const int w = source - 1;
  last_heard_[w] = clock_.seconds();
  if (m.type == MessageType::kBye) {
    said_bye_[w] = 1;
    std::copy(payload, payload + kByeFloats, timing_[w].begin());
    return;
  }
  if (m.type != MessageType::kPush)
    throw TransportError("unexpected " + std::string(to_string(m.type)) + " message from rank " +
                         std::to_string(source));
  if (m.version > ps_.version())
    throw TransportError("rank " + std::to_string(source) + " pushed a gradient of version " +
                         std::to_string(m.version) + ", newer than the server's " + std::to_string(ps_.version()));
  if (stop_time_ >= 0) {
    ps_.push_after_end(w);
    send_stop(w);
    return;
  }
  const PushOutcome out = run_.push(w, m.version, payload, m.value, clock_.seconds());
  if (!ps_.alive(w) || run_.stopping()) {  // declared dead earlier (dropped), or the run is over
    send_stop(w);
    return;
  }
  if (waits_for_apply_ && out.status == PushOutcome::Status::kApplied) release_waiting();
  if ((waits_for_apply_ && out.status == PushOutcome::Status::kBuffered) || out.must_wait)
    waiting_[w] = 1;  // for its gradient's update, or (SSP) for the slowest worker: its reply waits
  else
    send_params(w);
  release_ssp();
}

// SSP: the workers the PS released (the slowest caught up, or died) get their parameters.
void ServerRank::release_ssp() {
  for (int w : ps_.take_released())
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

void ServerRank::check_liveness(double now) {
  for (int w = 0; w < workers_; ++w) {
    if (!ps_.alive(w) || waiting_[w] || held_[w] || said_bye_[w]) continue;
    if (now - last_heard_[w] > config_.mpi.worker_timeout) {
      char why[64];
      std::snprintf(why, sizeof why, "it has not answered for %.1fs", now - last_heard_[w]);
      declare_dead(w, now, why);
    }
  }
}

void ServerRank::declare_dead(int w, double now, const std::string& why) {
  if (!ps_.alive(w)) return;
  waiting_[w] = held_[w] = 0;
  if (run_.log() != nullptr)
    std::fprintf(run_.log(), "\nhsgd: rank %d declared dead (%s); K no longer waits for it\n", w + 1, why.c_str());
  transport_.note_peer_lost();
  const uint64_t before = ps_.version();
  ps_.set_alive(w, false, now);
  if (waits_for_apply_ && ps_.version() > before) release_waiting();  // K fell to what was buffered
  release_ssp();  // a dead worker holds nobody back
  if (ps_.live_workers() == 0) run_.stop(RunStatus::kFailed, "every worker rank is dead");
}

bool ServerRank::all_idle() const {
  for (int w = 0; w < workers_; ++w)
    if (ps_.alive(w) && !said_bye_[w] && !waiting_[w] && !held_[w]) return false;
  return true;
}

// Evaluation lags: the training clock stops now, and answers are held back
// (gradients in flight land with the pause's time).
void ServerRank::begin_pause() {
  if (paused_) return;
  paused_ = true;
  pause_clock_ = Stopwatch();
  clock_.pause();
}

// Every live worker waits for an answer: wait until evaluation has caught
// up, then send what was held back.
void ServerRank::pause_for_evaluation() {
  run_.wait_for_evaluation([this] { send_alive(); });
  run_.note_pause(pause_clock_.seconds());
  paused_ = false;
  // A run stopped meanwhile ends at the pause's time; the clock goes on
  // either way, for the liveness checks and the wait for the workers' byes.
  if (run_.stopping()) begin_stop(clock_.seconds());
  clock_.resume();
  if (stop_time_ >= 0) return;
  for (int w = 0; w < workers_; ++w)
    if (held_[w]) {
      held_[w] = 0;
      send_params(w);
    }
}

bool ServerRank::finished() const {
  for (int w = 0; w < workers_; ++w)
    if (ps_.alive(w) && !said_bye_[w]) return false;
  return true;
}

RunResult ServerRank::run() {
  const CheckpointFile* resumed = run_.resumed_from();
  if (resumed == nullptr) run_.evaluate_start();
  const double start = resumed != nullptr ? checkpoint_time(*resumed) : 0.0;
  clock_ = Stopwatch(start);  // training time goes on from the checkpoint's
  std::fill(last_heard_.begin(), last_heard_.end(), start);
  for (int w = 0; w < workers_; ++w) send_params(w);
  std::vector<float> payload;  // a push's gradient is received straight into this
  double next_eval = next_multiple_after(run_.last_snapshot_time(), config_.eval.every_seconds), next_progress = 0;
  double next_checkpoint = config_.checkpoint_every > 0 ? next_multiple_after(start, config_.checkpoint_every) : INFINITY;
  while (true) {
    int sender = 0;
    if (transport_.poll(kAnySource, &sender, /*spin_first=*/false)) {
      try {
        const MessageHeader m = transport_.receive(sender, ps_.num_params(), payload, config_.mpi.worker_timeout);
        handle(sender, m, payload.data());
      } catch (const PeerSilent& e) {
        forgive_silence();
        declare_dead(sender - 1, clock_.seconds(), e.what());
      }
    }
    const double now = clock_.seconds();
    if (stop_time_ < 0) {
      run_.check_time(now);
      if (run_.stopping()) begin_stop(now);
    }
    if (stop_time_ < 0 && now >= next_eval) {
      run_.evaluate(next_eval);
      next_eval += config_.eval.every_seconds;
      if (run_.evaluation_lagging()) begin_pause();
    }
    if (stop_time_ < 0 && config_.checkpoint_every > 0 && now >= next_checkpoint) {
      checkpoint_due_ = true;  // once every worker waits: no gradient in flight
      begin_pause();
      next_checkpoint = next_multiple_after(now, config_.checkpoint_every);
    }
    if (paused_ && all_idle()) {
      if (checkpoint_due_ && stop_time_ < 0) save_checkpoint(clock_.seconds());
      checkpoint_due_ = false;
      pause_for_evaluation();
    }
    check_liveness(clock_.seconds());
    send_alive();
    if (stop_time_ >= 0 && (finished() || clock_.seconds() - stop_time_ > config_.mpi.worker_timeout)) break;
    if (stop_time_ < 0 && now >= next_progress) {
      next_progress = now + 0.5;
      char live[32];
      std::snprintf(live, sizeof live, "live %d/%d", ps_.live_workers(), workers_);
      run_.show_progress(now, wall_.seconds(), live);
    }
  }
  // Everyone not yet told (a rank declared dead may still be listening) is told now.
  for (int w = 0; w < workers_; ++w) send_stop(w);
  find_ranks_to_kill();
  RunResult result = run_.finish(stop_time_, summary_fields());
  kill_silent_ranks();  // the results are safe: nothing may keep mpirun waiting now
  return result;
}

// A rank that never said bye is stopped (SIGSTOP), hung or dead; while it
// lives, MPI_Finalize and mpirun wait for it. One still there on this node is
// killed (SIGKILL ends a stopped process too); one elsewhere is left to its
// own --server-timeout, or to whoever stopped it.
void ServerRank::find_ranks_to_kill() {
  to_kill_.assign(static_cast<size_t>(workers_), 0);
  for (int w = 0; w < workers_; ++w) {
    if (said_bye_[w]) continue;
    transport_.note_peer_lost();
    const int pid = local_pids_.at(static_cast<size_t>(w + 1));
    if (pid > 0) {
      to_kill_[w] = kill(pid, 0) == 0;  // still there
    } else if (run_.log() != nullptr) {
      std::fprintf(run_.log(), "hsgd: rank %d (on another node) never said bye; mpirun waits until it ends\n", w + 1);
    }
  }
}

void ServerRank::kill_silent_ranks() const {
  for (int w = 0; w < workers_; ++w) {
    if (!to_kill_[w]) continue;
    const int pid = local_pids_[static_cast<size_t>(w + 1)];
    kill(pid, SIGKILL);
    if (run_.log() != nullptr) std::fprintf(run_.log(), "hsgd: rank %d (pid %d) never said bye: killed\n", w + 1, pid);
  }
}

// What became of a worker rank, as the summary says it.
std::string ServerRank::rank_state(int w) const {
  if (said_bye_[w]) return ps_.alive(w) ? "finished" : "finished (declared dead during the run)";
  const std::string state = ps_.alive(w) ? "silent at the end" : "dead";
  return to_kill_[w] ? state + ", killed after the results were written" : state;
}

nlohmann::json ServerRank::summary_fields() const {
  nlohmann::json ranks = nlohmann::json::array();
  for (int w = 0; w < workers_; ++w)
    ranks.push_back({{"rank", w + 1},
                     {"alive", ps_.alive(w)},
                     {"state", rank_state(w)},
                     {"compute_s", timing_[w][0]},
                     {"wait_s", timing_[w][1]},
                     {"communication_s", timing_[w][2]},
                     {"delay_s", timing_[w][3]},
                     {"peak_rss_mb", timing_[w][4]}});
  return {{"server_peak_rss_mb", peak_rss_mb()}, {"ranks", ranks}};
}

}  // namespace

RunResult serve_as_server_rank(RunHarness& run, Transport& transport, const std::vector<int>& local_pids) {
  return ServerRank(run, transport, local_pids).run();
}

}  // namespace hsgd
