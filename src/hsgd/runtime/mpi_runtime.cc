// mpi_runtime.cc: rank 0 serves the PS core; worker ranks compute.
//
// Rank 0 polls with MPI_Iprobe (sleeping 0.2 ms when idle, so it never busy-
// waits on an oversubscribed machine) and answers every push: with the new
// parameters (wait=none, or once the gradient is applied) or with stop. Large
// messages go only to a worker blocked in its receive, so no send can
// deadlock. The run ends when every live worker has said bye.
#include "hsgd/runtime/mpi_runtime.h"

#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/runtime/run_setup.h"
#include "hsgd/runtime/snapshot_evaluator.h"
#include "hsgd/transport/message.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {

static void check_mpi(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw TransportError(std::string("MPI call failed: ") + what);
}

// Sends a header and, when it declares one, its payload straight from
// `payload` (no copy). Returns false when MPI reports an error.
bool send_message(const MessageHeader& h, const float* payload, int dest) {
  char head[MessageHeader::kBytes];
  encode_header(h, head);
  if (MPI_Send(head, MessageHeader::kBytes, MPI_BYTE, dest, kHeaderTag, MPI_COMM_WORLD) != MPI_SUCCESS) return false;
  if (h.payload_floats == 0) return true;
  return MPI_Send(payload, static_cast<int>(h.payload_floats * sizeof(float)), MPI_BYTE, dest, kPayloadTag,
                  MPI_COMM_WORLD) == MPI_SUCCESS;
}

// Receives the header `status` announced and validates it, then receives
// exactly the payload it declares into `payload`.
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

std::atomic<int> g_signal{0};
void on_signal(int sig) { g_signal = sig; }


// ---------------------------------------------------------------- rank 0
class ParameterServerRank {
 public:
  ParameterServerRank(const MpiSession& session, const TrainConfig& config, const Dataset& data,
                      const ModelFactory& factory, std::FILE* log)
      : config_(config),
        data_(data),
        factory_(factory),
        log_(log),
        workers_(session.size() - 1),
        ps_(make_parameter_server(config, factory)),
        delays_(make_delay_model(config)),
        wait_applied_(config.mode == "sync" || (config.mode == "hybrid" && config.wait == "applied")),
        last_heard_(workers_, 0.0),
        waiting_(workers_, 0),
        said_bye_(workers_, 0),
        stop_sent_(workers_, 0),
        timing_(workers_) {}

  RunResult run();

 private:
  void send_params(int w);
  void send_stop(int w);
  void release_waiting();
  void handle(int source, const MessageHeader& m, const float* payload);
  void begin_stop(const char* why);
  void check_liveness(double now);
  bool finished() const;

  const TrainConfig& config_;
  const Dataset& data_;
  const ModelFactory& factory_;
  std::FILE* log_;
  int workers_;
  std::unique_ptr<ParameterServer> ps_;
  DelayModel delays_;
  bool wait_applied_;
  Stopwatch clock_;
  WorkerProgress progress_;
  std::vector<double> last_heard_;
  std::vector<char> waiting_, said_bye_, stop_sent_;
  std::vector<std::array<float, kByeFloats>> timing_;
  bool stopping_ = false;
  std::string stop_reason_;
};

void ParameterServerRank::send_params(int w) {
  MessageHeader h;
  h.type = MessageType::kParams;
  h.version = ps_->version();
  h.payload_floats = ps_->num_params();
  if (!send_message(h, ps_->params().data(), w + 1))
    throw TransportError("MPI_Send of the parameters to rank " + std::to_string(w + 1) + " failed");
  last_heard_[w] = clock_.seconds();  // the worker's next step starts now
}

void ParameterServerRank::send_stop(int w) {
  if (stop_sent_[w]) return;
  stop_sent_[w] = 1;
  MessageHeader h;
  h.type = MessageType::kStop;
  // A small message goes out eagerly; to a rank that died, the send may fail,
  // and that is no reason to stop the others.
  send_message(h, nullptr, w + 1);
}

// An update was applied: every worker waiting for one gets the new parameters.
void ParameterServerRank::release_waiting() {
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w]) {
      waiting_[w] = 0;
      send_params(w);
    }
}

void ParameterServerRank::begin_stop(const char* why) {
  if (stopping_) return;
  stopping_ = true;
  stop_reason_ = why;
  for (int w = 0; w < workers_; ++w)
    if (waiting_[w]) {  // blocked in a receive: tell them now
      waiting_[w] = 0;
      send_stop(w);
    }
}

void ParameterServerRank::handle(int source, const MessageHeader& m, const float* payload) {
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
  if (m.version > ps_->version())
    throw TransportError("rank " + std::to_string(source) + " pushed a gradient of version " +
                         std::to_string(m.version) + ", newer than the server's " +
                         std::to_string(ps_->version()));
  if (stopping_) {
    ps_->push_after_end(w);
    send_stop(w);
    return;
  }
  const double now = clock_.seconds();
  const PushOutcome out = ps_->push(w, m.version, payload, now);
  if (!ps_->alive(w)) {  // declared dead earlier: counted as dropped, and told to leave
    send_stop(w);
    return;
  }
  progress_.record(config_.batch_size, m.value);
  if (budget_fraction(config_, ps_->accounting(), progress_.samples, data_.train.size(), now) >= 1.0) {
    send_stop(w);
    begin_stop("budget reached");
    return;
  }
  if (out.status == PushOutcome::Status::kApplied) release_waiting();
  if (wait_applied_ && out.status == PushOutcome::Status::kBuffered)
    waiting_[w] = 1;
  else
    send_params(w);
}

void ParameterServerRank::check_liveness(double now) {
  for (int w = 0; w < workers_; ++w) {
    if (!ps_->alive(w) || waiting_[w] || said_bye_[w]) continue;
    if (now - last_heard_[w] > config_.worker_timeout) {
      if (log_ != nullptr)
        std::fprintf(log_, "\nhsgd: rank %d has not answered for %.1fs: declared dead; K no longer waits for it\n",
                     w + 1, now - last_heard_[w]);
      const uint64_t before = ps_->version();
      ps_->set_alive(w, false, now);
      if (ps_->version() > before) release_waiting();  // K fell to what was buffered: an update went through
      if (ps_->live_workers() == 0) begin_stop("every worker is dead");
    }
  }
}

bool ParameterServerRank::finished() const {
  for (int w = 0; w < workers_; ++w)
    if (ps_->alive(w) && !said_bye_[w]) return false;
  return true;
}

RunResult ParameterServerRank::run() {
  std::filesystem::create_directories(config_.out_dir);
  RunResult result;
  RowRecorder record(config_, result);
  SnapshotEvaluator evaluator(factory_(config_.seed), data_, config_.eval_batch, /*background=*/true,
                              [&](const MetricsRow& row) { record(row); });
  evaluator.evaluate_now(take_snapshot(*ps_, progress_, data_.train.size(), 0.0));
  // `kill -TERM $(cat OUT/server.pid)` ends the run cleanly with its metrics.
  std::ofstream(config_.out_dir + "/server.pid") << getpid() << "\n";
  clock_ = Stopwatch();
  for (int w = 0; w < workers_; ++w) send_params(w);
  ProgressLine progress(log_ != nullptr ? log_ : stderr);
  std::vector<float> payload;  // a push's gradient is received straight into this
  double next_eval = config_.eval_every_seconds, next_progress = 0, stop_time = -1;
  size_t discarded = 0;
  while (true) {
    int flag = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, kHeaderTag, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag) {
      const MessageHeader m = receive_message(status, ps_->num_params(), payload);
      handle(status.MPI_SOURCE, m, payload.data());
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const double now = clock_.seconds();
    if (g_signal != 0) begin_stop(g_signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
    if (!stopping_ && config_.seconds > 0 && now >= config_.seconds) begin_stop("time budget reached");
    if (stopping_ && stop_time < 0) {
      stop_time = now;
      result.train_seconds = now;
      // Stopped by a signal: mpirun kills the ranks soon after, so evaluate
      // only this last snapshot; the rows already evaluated stay.
      if (g_signal != 0) discarded = evaluator.discard_pending();
      evaluator.submit(take_snapshot(*ps_, progress_, data_.train.size(), now));
    }
    if (!stopping_ && now >= next_eval) {
      evaluator.submit(take_snapshot(*ps_, progress_, data_.train.size(), next_eval));
      next_eval += config_.eval_every_seconds;
    }
    check_liveness(now);
    if (stopping_ && (finished() || now - stop_time > config_.worker_timeout)) break;
    if (log_ != nullptr && now >= next_progress && !stopping_) {
      next_progress = now + 0.5;
      const Accounting& a = ps_->accounting();
      char detail[200];
      std::snprintf(detail, sizeof detail, "%s  t %.1fs  grads %llu  updates %llu  K %d  live %d/%d",
                    config_.mode.c_str(), now, (unsigned long long)a.received, (unsigned long long)a.updates,
                    ps_->current_k(now), ps_->live_workers(), workers_);
      progress.update(
          std::min(1.0, budget_fraction(config_, a, progress_.samples, data_.train.size(), now)), now, detail);
    }
  }
  // Everyone not yet told (a rank declared dead may still be listening) is told now.
  for (int w = 0; w < workers_; ++w) send_stop(w);
  if (log_ != nullptr) {
    progress.finish();
    std::fprintf(log_, "hsgd: %s after %.1fs; evaluating %zu remaining snapshot(s)\n", stop_reason_.c_str(),
                 result.train_seconds, evaluator.pending());
  }
  evaluator.finish();
  result.wall_seconds = clock_.seconds();
  HSGD_CHECK(ps_->accounting().balances(), "gradient accounting does not balance");
  nlohmann::json summary = ps_run_summary(config_, data_, result, *ps_, delays_);
  summary["stop_reason"] = stop_reason_;
  summary["snapshots_not_evaluated"] = discarded;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  summary["server_peak_rss_mb"] = usage.ru_maxrss / 1024.0;
  nlohmann::json ranks = nlohmann::json::array();
  for (int w = 0; w < workers_; ++w)
    ranks.push_back({{"rank", w + 1},
                     {"alive", ps_->alive(w)},
                     {"compute_s", timing_[w][0]},
                     {"wait_s", timing_[w][1]},
                     {"communication_s", timing_[w][2]},
                     {"delay_s", timing_[w][3]},
                     {"peak_rss_mb", timing_[w][4]}});
  summary["ranks"] = ranks;
  write_json_file(config_.out_dir + "/summary.json", summary);
  return result;
}

// ---------------------------------------------------------------- workers
void run_worker_rank(const MpiSession& session, const TrainConfig& config, const Dataset& data,
                     const ModelFactory& factory) {
  const int w = session.rank() - 1;
  auto model = factory(config.seed);
  std::vector<size_t> all(data.train.size());
  std::iota(all.begin(), all.end(), size_t{0});
  GradientWorker worker(w, *model, data, all, config.batch_size, config.seed);
  DelayModel delays = make_delay_model(config);
  const bool hang = config.mpi_hang_rank == session.rank();
  double compute_s = 0, wait_s = 0, comm_s = 0, delay_s = 0;
  std::vector<float> params;  // received straight from the server
  int64_t pushes = 0;
  while (true) {
    Stopwatch waiting;
    MPI_Status status;
    check_mpi(MPI_Probe(0, kHeaderTag, MPI_COMM_WORLD, &status), "MPI_Probe");
    const MessageHeader m = receive_message(status, worker.num_params(), params);
    wait_s += waiting.seconds();
    if (m.type == MessageType::kStop) break;
    if (m.type != MessageType::kParams)
      throw TransportError("rank " + std::to_string(session.rank()) + ": unexpected " + std::string(to_string(m.type)) +
                           " message from rank 0");
    if (hang && pushes >= config.mpi_hang_after) {
      // Fault injection for tests: stop answering, but leave when told to stop.
      while (true) {
        int flag = 0;
        check_mpi(MPI_Iprobe(0, kHeaderTag, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
        if (flag && receive_message(status, worker.num_params(), params).type == MessageType::kStop) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
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
    h.sender = session.rank();
    h.version = m.version;
    h.payload_floats = worker.num_params();
    h.value = loss;
    if (!send_message(h, worker.gradient().data(), 0)) throw TransportError("MPI_Send of a gradient to rank 0 failed");
    comm_s += communicating.seconds();
    ++pushes;
  }
  MessageHeader bye;
  bye.type = MessageType::kBye;
  bye.sender = session.rank();
  bye.payload_floats = kByeFloats;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const float timing[kByeFloats] = {float(compute_s), float(wait_s), float(comm_s), float(delay_s),
                                    float(usage.ru_maxrss / 1024.0)};
  send_message(bye, timing, 0);
}

}  // namespace

MpiSession::MpiSession() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  }
  // From here on SIGINT/SIGTERM (mpirun forwards Ctrl-C to every rank) only
  // set a flag: rank 0 ends the run cleanly, writing its metrics, and tells
  // the workers to stop; they leave when told.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // Errors are returned, not fatal: a dead peer must not take the server down.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void keep_worker_shard(Dataset& data, int worker, int workers, uint64_t seed) {
  data.train = data.train.subset(shard_indices(data.train.size(), workers, worker, seed));
  data.train.pixels.shrink_to_fit();
  data.test = ImageSet{};
}

RunResult run_mpi(const MpiSession& session, const TrainConfig& config, const Dataset& data,
                  const ModelFactory& factory, std::FILE* log) {
  config.validate();
  if (session.size() < 2)
    throw ConfigError("--runtime mpi needs at least 2 ranks (1 server + workers): mpirun -np N+1 hsgd train ...");
  if (config.workers != session.size() - 1)
    throw ConfigError("--workers " + std::to_string(config.workers) + " does not match mpirun's " +
                      std::to_string(session.size() - 1) + " worker ranks (-np " + std::to_string(session.size()) +
                      "); give --workers " + std::to_string(session.size() - 1) + " or leave it out");
  if (session.rank() == 0) {
    ParameterServerRank ps(session, config, data, factory, log);
    return ps.run();
  }
  run_worker_rank(session, config, data, factory);
  return {};
}

}  // namespace hsgd
