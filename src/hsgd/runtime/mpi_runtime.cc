// mpi_runtime.cc: rank 0 serves the PS core through the run harness; worker
// ranks compute.
//
// Rank 0 polls with MPI_Iprobe (sleeping 0.2 ms when idle, so it never busy-
// waits on an oversubscribed machine) and answers every push: with the new
// parameters (wait=none, or once the gradient is applied) or with stop. Large
// messages go only to a worker blocked in its receive, so no send can
// deadlock. While evaluation catches up, answers are held back (the workers
// wait, off the clock). The run ends when every live worker has said bye.
#include "hsgd/runtime/mpi_runtime.h"

#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/data/sharding.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {

static void check_mpi(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw TransportError(std::string("MPI call failed: ") + what);
}

bool send_message(const MessageHeader& h, const float* payload, int dest) {
  char head[MessageHeader::kBytes];
  encode_header(h, head);
  if (MPI_Send(head, MessageHeader::kBytes, MPI_BYTE, dest, kHeaderTag, MPI_COMM_WORLD) != MPI_SUCCESS) return false;
  if (h.payload_floats == 0) return true;
  return MPI_Send(payload, static_cast<int>(h.payload_floats * sizeof(float)), MPI_BYTE, dest, kPayloadTag,
                  MPI_COMM_WORLD) == MPI_SUCCESS;
}

MessageHeader receive_message(const MPI_Status& status, size_t num_params, std::vector<float>& payload) {
  const int source = status.MPI_SOURCE;
  int count = 0;
  check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  std::vector<char> head(static_cast<size_t>(std::max(count, 0)));
  check_mpi(MPI_Recv(head.data(), count, MPI_BYTE, source, kHeaderTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  const MessageHeader h = decode_header(head.data(), head.size(), source, num_params);
  payload.resize(h.payload_floats);
  if (h.payload_floats > 0) {
    const int bytes = static_cast<int>(h.payload_floats * sizeof(float));
    MPI_Status st;
    if (MPI_Recv(payload.data(), bytes, MPI_BYTE, source, kPayloadTag, MPI_COMM_WORLD, &st) != MPI_SUCCESS)
      throw TransportError("malformed message from rank " + std::to_string(source) + ": the " + to_string(h.type) +
                           " payload is larger than the " + std::to_string(bytes) + " bytes its header declares");
    int got = 0;
    MPI_Get_count(&st, MPI_BYTE, &got);
    if (got != bytes)
      throw TransportError("malformed message from rank " + std::to_string(source) + ": " + std::to_string(got) +
                           " payload bytes, its header declares " + std::to_string(bytes));
  }
  return h;
}

namespace {

// MPI_Init_thread / MPI_Finalize for the life of the object.
class MpiSession {
 public:
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    }
    // Errors are returned, not fatal: a dead peer must not take the server down.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

// A message from `source` with tag kHeaderTag, polled without busy-waiting:
// a short spin, then 0.2 ms sleeps. Returns false when none came.
bool poll_header(int source, MPI_Status& status, bool spin_first) {
  for (int i = 0; i < (spin_first ? 200 : 1); ++i) {
    int flag = 0;
    check_mpi(MPI_Iprobe(source, kHeaderTag, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag) return true;
  }
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return false;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// ---------------------------------------------------------------- rank 0
class ServerRank {
 public:
  ServerRank(RunHarness& run, int workers)
      : run_(run),
        config_(run.config()),
        ps_(run.ps()),
        workers_(workers),
        waits_for_apply_(config_.ps.waits_for_apply()),
        last_heard_(workers, 0.0),
        waiting_(workers, 0),
        held_(workers, 0),
        said_bye_(workers, 0),
        stop_sent_(workers, 0),
        timing_(workers) {}

  RunResult run();

 private:
  void send_params(int w);
  void send_stop(int w);
  void release_waiting();
  void handle(int source, const MessageHeader& m, const float* payload);
  void begin_stop(double now);
  void check_liveness(double now);
  bool all_idle() const;
  void begin_pause();
  void pause_for_evaluation();
  bool finished() const;
  nlohmann::json summary_fields() const;

  RunHarness& run_;
  const TrainConfig& config_;
  ParameterServer& ps_;
  int workers_;
  bool waits_for_apply_;
  Stopwatch clock_;  // training time; paused while evaluation catches up
  Stopwatch wall_;
  std::vector<double> last_heard_;
  std::vector<char> waiting_;  // for its gradient to be applied
  std::vector<char> held_;     // its parameters are held back while evaluation catches up
  std::vector<char> said_bye_, stop_sent_;
  std::vector<std::array<float, kByeFloats>> timing_;
  bool paused_ = false;
  Stopwatch pause_clock_;  // how long the current pause has lasted
  double stop_time_ = -1;  // training time when the run stopped; < 0 while it goes on
};

void ServerRank::send_params(int w) {
  if (paused_) {
    held_[w] = 1;
    return;
  }
  MessageHeader h;
  h.type = MessageType::kParams;
  h.version = ps_.version();
  h.payload_floats = ps_.num_params();
  if (!send_message(h, ps_.params().data(), w + 1))
    throw TransportError("MPI_Send of the parameters to rank " + std::to_string(w + 1) + " failed");
  last_heard_[w] = clock_.seconds();  // the worker's next step starts now
}

void ServerRank::send_stop(int w) {
  if (stop_sent_[w]) return;
  stop_sent_[w] = 1;
  MessageHeader h;
  h.type = MessageType::kStop;
  // A small message goes out eagerly; to a rank that died, the send may fail,
  // and that is no reason to stop the others.
  send_message(h, nullptr, w + 1);
}

// An update was applied: every worker waiting for one gets the new parameters.
void ServerRank::release_waiting() {
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

void ServerRank::begin_stop(double now) {
  if (stop_time_ >= 0) return;
  stop_time_ = now;
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
  if (out.status == PushOutcome::Status::kApplied) release_waiting();
  if (waits_for_apply_ && out.status == PushOutcome::Status::kBuffered)
    waiting_[w] = 1;
  else
    send_params(w);
}

void ServerRank::check_liveness(double now) {
  for (int w = 0; w < workers_; ++w) {
    if (!ps_.alive(w) || waiting_[w] || held_[w] || said_bye_[w]) continue;
    if (now - last_heard_[w] > config_.mpi.worker_timeout) {
      if (run_.log() != nullptr)
        std::fprintf(run_.log(), "\nhsgd: rank %d has not answered for %.1fs: declared dead; K no longer waits for it\n",
                     w + 1, now - last_heard_[w]);
      const uint64_t before = ps_.version();
      ps_.set_alive(w, false, now);
      if (ps_.version() > before) release_waiting();  // K fell to what was buffered: an update went through
      if (ps_.live_workers() == 0) run_.stop(RunStatus::kFailed, "every worker rank is dead");
    }
  }
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
  run_.wait_for_evaluation();
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
  run_.evaluate_start();
  clock_ = Stopwatch();
  for (int w = 0; w < workers_; ++w) send_params(w);
  std::vector<float> payload;  // a push's gradient is received straight into this
  double next_eval = config_.eval.every_seconds, next_progress = 0;
  while (true) {
    MPI_Status status;
    if (poll_header(MPI_ANY_SOURCE, status, /*spin_first=*/false)) {
      const MessageHeader m = receive_message(status, ps_.num_params(), payload);
      handle(status.MPI_SOURCE, m, payload.data());
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
    if (paused_ && all_idle()) pause_for_evaluation();
    check_liveness(clock_.seconds());
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
  return run_.finish(stop_time_, summary_fields());
}

nlohmann::json ServerRank::summary_fields() const {
  nlohmann::json ranks = nlohmann::json::array();
  for (int w = 0; w < workers_; ++w)
    ranks.push_back({{"rank", w + 1},
                     {"alive", ps_.alive(w)},
                     {"compute_s", timing_[w][0]},
                     {"wait_s", timing_[w][1]},
                     {"communication_s", timing_[w][2]},
                     {"delay_s", timing_[w][3]},
                     {"peak_rss_mb", timing_[w][4]}});
  return {{"server_peak_rss_mb", peak_rss_mb()}, {"ranks", ranks}};
}

// ---------------------------------------------------------------- workers

// The next message from rank 0; waits without spinning the CPU.
MessageHeader receive_from_server(size_t num_params, std::vector<float>& params) {
  MPI_Status status;
  while (!poll_header(0, status, /*spin_first=*/true)) {
  }
  return receive_message(status, num_params, params);
}

void run_worker_rank(int rank, const TrainConfig& config, const Dataset& data, const ModelFactory& factory) {
  const StopSignals signals;  // mpirun forwards Ctrl-C: leave when rank 0 says stop
  const int w = rank - 1;
  auto model = factory(config.seed);
  std::vector<size_t> all(data.train.size());
  std::iota(all.begin(), all.end(), size_t{0});
  GradientWorker worker(w, *model, data, all, config.batch_size, config.seed);
  DelayModel delays(config.delay, config.workers(), config.seed);
  const bool hang = config.mpi.hang_rank == rank;
  double compute_s = 0, wait_s = 0, comm_s = 0, delay_s = 0;
  std::vector<float> params;  // received straight from the server
  int64_t pushes = 0;
  while (true) {
    Stopwatch waiting;
    const MessageHeader m = receive_from_server(worker.num_params(), params);
    wait_s += waiting.seconds();
    if (m.type == MessageType::kStop) break;
    if (m.type != MessageType::kParams)
      throw TransportError("rank " + std::to_string(rank) + ": unexpected " + std::string(to_string(m.type)) +
                           " message from rank 0");
    if (hang && pushes >= config.mpi.hang_after) {
      // Fault injection for tests: stop answering, but leave when told to stop.
      while (receive_from_server(worker.num_params(), params).type != MessageType::kStop) {
      }
      break;
    }
    Stopwatch computing;
    const double loss = worker.compute(params.data());
    compute_s += computing.seconds();
    const double delay = delays.next(w);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    delay_s += delay;
    Stopwatch communicating;
    MessageHeader h;
    h.type = MessageType::kPush;
    h.sender = rank;
    h.version = m.version;
    h.payload_floats = worker.num_params();
    h.value = loss;
    if (!send_message(h, worker.gradient().data(), 0)) throw TransportError("MPI_Send of a gradient to rank 0 failed");
    comm_s += communicating.seconds();
    ++pushes;
  }
  MessageHeader bye;
  bye.type = MessageType::kBye;
  bye.sender = rank;
  bye.payload_floats = kByeFloats;
  const float timing[kByeFloats] = {float(compute_s), float(wait_s), float(comm_s), float(delay_s),
                                    float(peak_rss_mb())};
  send_message(bye, timing, 0);
}

// Keeps only worker `worker`'s shard of data.train and drops the test set:
// what a worker rank holds in memory.
void keep_worker_shard(Dataset& data, int worker, int workers, uint64_t seed) {
  data.train = data.train.subset(shard_indices(data.train.size(), workers, worker, seed));
  data.train.pixels.shrink_to_fit();
  data.test = ImageSet{};
}

class MpiRuntime : public Runtime {
 public:
  void resolve(TrainConfig& config, bool workers_given) const override {
    if (!workers_given) config.ps.num_workers = std::max(1, session_.size() - 1);
    if (config.threads == 0) config.threads = 1;  // one process per worker
  }
  void check(const TrainConfig& config) const override {
    if (session_.size() < 2)
      throw ConfigError("--runtime mpi needs at least 2 ranks (1 server + workers): mpirun -np N+1 hsgd train ...");
    if (config.workers() != session_.size() - 1)
      throw ConfigError("--workers " + std::to_string(config.workers()) + " does not match mpirun's " +
                        std::to_string(session_.size() - 1) + " worker ranks (-np " + std::to_string(session_.size()) +
                        "); give --workers " + std::to_string(session_.size() - 1) + " or leave it out");
  }
  bool writes_results() const override { return session_.rank() == 0; }
  Dataset load_data(const TrainConfig& config) const override {
    Dataset data = load_dataset(config.data, config.data_root);
    if (session_.rank() != 0) keep_worker_shard(data, session_.rank() - 1, config.workers(), config.seed);
    return data;
  }
  void serve(const TrainConfig& config, const Dataset& data, const ModelFactory& factory) override {
    run_worker_rank(session_.rank(), config, data, factory);
  }
  // Without it, MPI_Finalize would wait for ranks that wait for this one.
  void abandon(int status) override { MPI_Abort(MPI_COMM_WORLD, status); }
  EvaluationMode evaluation() const override { return EvaluationMode::kBackground; }
  RunResult train(RunHarness& run) override { return ServerRank(run, session_.size() - 1).run(); }

 private:
  MpiSession session_;
};

}  // namespace

std::unique_ptr<Runtime> make_mpi_runtime() { return std::make_unique<MpiRuntime>(); }

}  // namespace hsgd
