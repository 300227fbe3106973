// worker_links.cc: see worker_links.h.
#include "hsgd/runtime/worker_links.h"

#include <algorithm>

namespace hsgd {

double alive_period(const TrainConfig& config) { return std::min(1.0, config.mpi.server_timeout / 4); }

WorkerLinks::WorkerLinks(Transport& transport, ParameterServer& ps, const TrainConfig& config, int first_worker_rank,
                         std::function<double()> clock, std::FILE* log)
    : transport_(transport),
      ps_(ps),
      config_(config),
      first_rank_(first_worker_rank),
      workers_(transport.size() - first_worker_rank),
      clock_(std::move(clock)),
      log_(log),
      waits_for_apply_(config.ps.waits_for_apply()),
      last_heard_(workers_, 0.0),
      waiting_(workers_, 0),
      held_(workers_, 0),
      said_bye_(workers_, 0),
      stop_sent_(workers_, 0),
      timing_(workers_) {}

void WorkerLinks::send_params(int w) {
  if (paused_) {
    held_[w] = 1;
    return;
  }
  MessageHeader h;
  h.type = MessageType::kParams;
  h.sender = transport_.rank();
  h.version = ps_.version();
  h.payload_floats = ps_.num_params();
  // A worker that died (or was stopped) while waiting never takes the
  // parameters: after --worker-timeout it is given up on.
  const SendOutcome sent = transport_.send_within(h, ps_.params().data(), rank_of(w), config_.mpi.worker_timeout);
  if (sent == SendOutcome::kFailed) {
    declare_dead(w, "the transport could not reach it");
    return;
  }
  if (sent == SendOutcome::kTimedOut) {  // the server waited for this rank alone meanwhile
    forgive_silence();
    declare_dead(w, "it did not take its parameters");
    return;
  }
  bytes_out_ += MessageHeader::kBytes + h.payload_floats * sizeof(float);
  last_heard_[w] = wall_.seconds();  // the worker's next step starts now
}

void WorkerLinks::send_stop(int w) {
  if (stop_sent_[w]) return;
  stop_sent_[w] = 1;
  MessageHeader h;
  h.type = MessageType::kStop;
  h.sender = transport_.rank();
  h.value = transport_.peer_lost() ? 1 : 0;  // the worker then leaves without MPI_Finalize too
  // A small message goes out eagerly; to a rank that died, the send may fail,
  // and that is no reason to stop the others.
  transport_.send(h, nullptr, rank_of(w));
}

void WorkerLinks::send_alive() {
  if (wall_.seconds() < next_alive_) return;
  next_alive_ = wall_.seconds() + alive_period(config_);
  MessageHeader h;
  h.type = MessageType::kAlive;
  h.sender = transport_.rank();
  for (int w = 0; w < workers_; ++w)
    if (ps_.alive(w) && !said_bye_[w] && !stop_sent_[w]) transport_.send(h, nullptr, rank_of(w));
}

void WorkerLinks::answer_push(int w, const PushOutcome& out, bool stopping) {
  if (!ps_.alive(w) || stopping) {  // declared dead earlier (dropped), or the run is over
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

void WorkerLinks::said_bye(int w, const float* timing) {
  said_bye_[w] = 1;
  std::copy(timing, timing + kByeFloats, timing_[w].begin());
}

// An update was applied: every worker waiting for one gets the new parameters.
void WorkerLinks::release_waiting() {
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

// SSP: the workers the PS released (the slowest caught up, or died) get their parameters.
void WorkerLinks::release_ssp() {
  for (int w : ps_.take_released())
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

bool WorkerLinks::declare_dead(int w, const std::string& why) {
  if (!ps_.alive(w)) return false;
  waiting_[w] = held_[w] = 0;
  if (log_ != nullptr)
    std::fprintf(log_, "\nhsgd: rank %d declared dead (%s); K no longer waits for it\n", rank_of(w), why.c_str());
  transport_.note_peer_lost();
  const uint64_t before = ps_.version();
  ps_.set_alive(w, false, clock_());
  if (waits_for_apply_ && ps_.version() > before) release_waiting();  // K fell to what was buffered
  release_ssp();  // a dead worker holds nobody back
  return true;
}

void WorkerLinks::check_liveness(double grace) {
  const double now = wall_.seconds();
  for (int w = 0; w < workers_; ++w) {
    if (!ps_.alive(w) || waiting_[w] || held_[w] || said_bye_[w]) continue;
    if (now - last_heard_[w] > config_.mpi.worker_timeout + grace) {
      char why[64];
      std::snprintf(why, sizeof why, "it has not answered for %.1fs", now - last_heard_[w]);
      declare_dead(w, why);
    }
  }
}

void WorkerLinks::forgive_silence() {
  const double now = wall_.seconds();
  for (double& heard : last_heard_) heard = std::max(heard, now);
}

void WorkerLinks::release_held() {
  paused_ = false;
  for (int w = 0; w < workers_; ++w)
    if (held_[w]) {
      held_[w] = 0;
      send_params(w);
    }
}

void WorkerLinks::stop_waiting() {
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w] || held_[w]) {  // blocked in a receive: tell them now
      waiting_[w] = held_[w] = 0;
      send_stop(w);
    }
}

bool WorkerLinks::all_idle() const {
  for (int w = 0; w < workers_; ++w)
    if (ps_.alive(w) && !said_bye_[w] && !waiting_[w] && !held_[w]) return false;
  return true;
}

bool WorkerLinks::finished() const {
  for (int w = 0; w < workers_; ++w)
    if (ps_.alive(w) && !said_bye_[w]) return false;
  return true;
}

}  // namespace hsgd
