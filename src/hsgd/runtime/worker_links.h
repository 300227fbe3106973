// worker_links.h: one server rank's side of its link to every worker rank
// (server_rank.h, shard_rank.h): which worker waits for an answer, whose
// answer is held back, who said bye or was told to stop, when each was last
// heard; and the answers themselves: parameters (its shard's slice), stop,
// alive. A server rank holds one; the PS core it answers from is its own
// shard (rank 0: the harness's shard 0; another shard: its own server).
//
// The rule that keeps the protocol free of deadlock: a large message goes
// only to a worker that waits for it (blocked in its receive, or receiving
// while its own slices go out), so every send completes.
#pragma once

#include <array>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "hsgd/common/stopwatch.h"
#include "hsgd/config/train_config.h"
#include "hsgd/ps/parameter_server.h"
#include "hsgd/transport/transport.h"

namespace hsgd {

class WorkerLinks {
 public:
  // Workers are ranks first_worker_rank .. transport.size()-1; `clock` tells
  // the server's training time (the PS's time of a death); `log` (may be
  // null) hears of deaths. Silence is timed in wall time: a worker that died
  // while the training clock stood still (a checkpoint waiting for every
  // worker) is found all the same.
  WorkerLinks(Transport& transport, ParameterServer& ps, const TrainConfig& config, int first_worker_rank,
              std::function<double()> clock, std::FILE* log);

  int workers() const { return workers_; }
  int rank_of(int w) const { return first_rank_ + w; }
  // The worker index of a rank, or -1 when the rank is not a worker.
  int worker_of(int rank) const { return rank >= first_rank_ && rank < first_rank_ + workers_ ? rank - first_rank_ : -1; }

  // The worker's parameters (this shard's slice) now, or held back while
  // paused. Declares it dead when it does not take them.
  void send_params(int w);
  // Tells a worker once that the run is over (`peer_lost`: leave without MPI_Finalize).
  void send_stop(int w);
  // Every live worker hears "alive" about once a second (at most), whether it
  // waits for an answer (then it knows the server is there) or computes (it
  // reads the message with its next answer).
  void send_alive();
  // After a push was handed to the PS (outcome `out`): the worker's answer
  // now, or it waits (its gradient's update, or SSP), and whoever the update
  // or SSP released gets theirs. `stopping`: the run is over, answer stop.
  void answer_push(int w, const PushOutcome& out, bool stopping);
  // A bye: its timing floats (kByeFloats) are kept.
  void said_bye(int w, const float* timing);
  // Declares a worker dead (once): K and SSP stop waiting for it. Returns
  // whether it was alive.
  bool declare_dead(int w, const std::string& why);
  // Workers silent for --worker-timeout plus `grace` seconds (not waiting,
  // not held) are declared dead. (Rank 0 of a
  // sharded server gives a worker that may be waiting for another shard the
  // time to hear whether that shard is lost.)
  void check_liveness(double grace = 0);
  // The server waited for one rank and heard nobody meanwhile: that silence is not theirs.
  void forgive_silence();
  void heard(int w) { last_heard_[w] = wall_.seconds(); }

  // Answers are held back (evaluation catching up, a checkpoint) until release_held().
  void hold() { paused_ = true; }
  void release_held();
  // The run stopped: every worker blocked in a receive is told now.
  void stop_waiting();

  bool all_idle() const;  // every live worker waits for an answer (or said bye)
  bool finished() const;  // every live worker said bye
  bool said_bye(int w) const { return said_bye_[w] != 0; }
  const std::array<float, kByeFloats>& timing(int w) const { return timing_[w]; }
  uint64_t bytes_out() const { return bytes_out_; }  // parameters sent, headers included

 private:
  void release_waiting();
  void release_ssp();

  Transport& transport_;
  ParameterServer& ps_;
  const TrainConfig& config_;
  int first_rank_;
  int workers_;
  std::function<double()> clock_;
  std::FILE* log_;
  bool waits_for_apply_;
  bool paused_ = false;
  Stopwatch wall_;
  double next_alive_ = 0;  // wall time
  uint64_t bytes_out_ = 0;
  std::vector<double> last_heard_;  // wall time
  std::vector<char> waiting_;  // for its gradient to be applied, or (SSP) for the slowest worker
  std::vector<char> held_;     // its parameters are held back while paused
  std::vector<char> said_bye_, stop_sent_;
  std::vector<std::array<float, kByeFloats>> timing_;
};

// How often a worker kept waiting hears that its server is alive: often
// enough for any --server-timeout, at most once a second.
double alive_period(const TrainConfig& config);

}  // namespace hsgd
