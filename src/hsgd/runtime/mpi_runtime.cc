// mpi_runtime.cc: --runtime mpi as an adapter: the MPI session (MPI_Init and
// MPI_Finalize-or-abort, the ranks, their process ids) and the Runtime that
// runs the server rank (server_rank.h) on rank 0, the other server shards
// (shard_rank.h, --servers S: ranks 1..S-1) and a worker rank (worker_rank.h)
// on the others, all over the session's MpiTransport
// (transport/mpi_transport.h). The protocol itself is in those files; this
// one holds no global state.
#include "hsgd/runtime/mpi_runtime.h"

#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/data/sharding.h"
#include "hsgd/runtime/server_rank.h"
#include "hsgd/runtime/shard_rank.h"
#include "hsgd/runtime/worker_rank.h"
#include "hsgd/transport/mpi_transport.h"

namespace hsgd {
namespace {

void check_mpi(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw TransportError(std::string("MPI call failed: ") + what);
}

// MPI_Finalize gets this long before a rank leaves without it.
constexpr double kFinalizeGraceSeconds = 10;

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
    transport_ = std::make_unique<MpiTransport>();
    rank_ = transport_->rank();
    size_ = transport_->size();
    gather_local_pids();
  }
  // A rank that gave up on a send or lost a peer cannot finalise: MPI_Finalize
  // could wait for that peer forever. It ends with MPI_Abort once its results
  // are written, with its exit status (under mpirun --enable-recovery that ends
  // only this process; the run's status is in HSGD_EXIT_STATUS_FILE). Any other
  // rank gets kFinalizeGraceSeconds for MPI_Finalize, then leaves without it.
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    const bool send_abandoned = transport_->send_abandoned();
    if (send_abandoned || transport_->peer_lost()) {
      std::fprintf(stderr, "hsgd: rank %d ends with MPI_Abort (status %d) instead of MPI_Finalize: %s\n", rank_,
                   exit_status_,
                   send_abandoned ? "a send to a rank given up on is still pending"
                                    : "a rank was lost, and MPI_Finalize could wait for it forever");
      std::fflush(nullptr);
      MPI_Abort(MPI_COMM_WORLD, exit_status_);
    }
    std::thread([rank = rank_, status = exit_status_] {
      std::this_thread::sleep_for(std::chrono::duration<double>(kFinalizeGraceSeconds));
      std::fprintf(stderr, "hsgd: rank %d: MPI_Finalize has not returned after %.0fs; leaving without it\n", rank,
                   kFinalizeGraceSeconds);
      std::fflush(nullptr);
      std::_Exit(status);
    }).detach();
    MPI_Finalize();
  }
  void set_exit_status(int status) { exit_status_ = status; }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // The messages between the ranks; it also holds what the session's end
  // depends on (a send given up on, a rank lost).
  MpiTransport& transport() { return *transport_; }
  // At rank 0: the process id of each rank on rank 0's node, 0 for the others.
  const std::vector<int>& local_pids() const { return local_pids_; }
  // Rank 0's process id when it runs on this rank's node, else 0.
  int rank_zero_local_pid() const { return rank_zero_local_pid_; }

 private:
  // Every rank sends rank 0 its process id, or 0 when it runs on another node.
  void gather_local_pids() {
    MPI_Comm node;
    int node_rank_of_zero = -1;  // rank 0's rank in this node's communicator, if it is on this node
    check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
              "MPI_Comm_split_type");
    MPI_Group world_group, node_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    MPI_Comm_group(node, &node_group);
    const int zero = 0;
    MPI_Group_translate_ranks(world_group, 1, &zero, node_group, &node_rank_of_zero);
    MPI_Group_free(&world_group);
    MPI_Group_free(&node_group);
    MPI_Comm_free(&node);
    const int mine = node_rank_of_zero == MPI_UNDEFINED ? 0 : static_cast<int>(getpid());
    local_pids_.assign(static_cast<size_t>(size_), 0);
    check_mpi(MPI_Gather(&mine, 1, MPI_INT, local_pids_.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    int zero_pid = rank_ == 0 ? static_cast<int>(getpid()) : 0;
    check_mpi(MPI_Bcast(&zero_pid, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    rank_zero_local_pid_ = node_rank_of_zero == MPI_UNDEFINED ? 0 : zero_pid;
  }

  std::unique_ptr<MpiTransport> transport_;
  int rank_ = 0;
  int size_ = 1;
  int exit_status_ = 0;
  std::vector<int> local_pids_;
  int rank_zero_local_pid_ = 0;
};

// Whether process `pid` is stopped (SIGSTOP: state T in /proc/PID/stat).
bool process_stopped(int pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return false;
  char line[512] = {};
  const size_t n = std::fread(line, 1, sizeof line - 1, f);
  std::fclose(f);
  const char* end_of_name = std::strrchr(line, ')');  // "pid (name) state ..."
  return n > 0 && end_of_name != nullptr && end_of_name[1] == ' ' && (end_of_name[2] == 'T' || end_of_name[2] == 't');
}

// ---------------------------------------------------------------- the runtime

// Keeps only worker `worker`'s shard of data.train and drops the test set:
// what a worker rank holds in memory.
void keep_worker_shard(Dataset& data, int worker, int workers, uint64_t seed) {
  data.train = data.train.subset(shard_indices(data.train.size(), workers, worker, seed));
  data.train.pixels.shrink_to_fit();
  data.train.values.shrink_to_fit();
  data.test = ImageSet{};
}

// A server shard on a rank of its own holds no data, only its shapes (the
// model is built once, for its parameter count).
void keep_shapes_only(Dataset& data) {
  data.train = data.train.subset({});
  data.test = ImageSet{};
}

class MpiRuntime : public Runtime {
 public:
  void resolve(TrainConfig& config, bool workers_given) const override {
    if (!workers_given) config.ps.num_workers = std::max(1, session().size() - config.servers);
    if (config.threads == 0) config.threads = 1;  // one process per worker
  }
  void check(const TrainConfig& config) const override {
    const int ranks = session().size(), servers = config.servers, workers = ranks - servers;
    if (workers < 1)
      throw ConfigError("--runtime mpi --servers " + std::to_string(servers) + " needs at least " +
                        std::to_string(servers + 1) + " ranks (" + std::to_string(servers) +
                        " server(s) + workers), mpirun gave " + std::to_string(ranks) + ": mpirun -np S+N hsgd train ...");
    if (config.workers() != workers)
      throw ConfigError("--workers " + std::to_string(config.workers()) + " does not match mpirun's " +
                        std::to_string(workers) + " worker ranks (-np " + std::to_string(ranks) + " with --servers " +
                        std::to_string(servers) + "); give --workers " + std::to_string(workers) + " or leave it out");
  }
  bool writes_results() const override { return session().rank() == 0; }
  Dataset load_data(const TrainConfig& config) const override {
    Dataset data = load_dataset(config.data, config.data_root);
    const int rank = session().rank();
    if (rank >= config.servers)
      keep_worker_shard(data, rank - config.servers, config.workers(), config.seed);
    else if (rank > 0)
      keep_shapes_only(data);
    return data;
  }
  void serve(const TrainConfig& config, const Dataset& data, const ModelFactory& factory) override {
    if (session().rank() >= config.servers) return run_worker_rank(session().transport(), config, data, factory);
    const size_t num_params = factory(config.seed)->num_params();
    if (static_cast<size_t>(config.servers) > num_params)  // rank 0 says so too, in its summary
      throw ConfigError("--servers " + std::to_string(config.servers) + " is more than the model's " +
                        std::to_string(num_params) + " parameters");
    run_shard_rank(session().transport(), config, num_params);
  }
  // Without it, MPI_Finalize would wait for ranks that wait for this one.
  // A rank that gave up on rank 0 finds it stopped (SIGSTOP) on this node:
  // mpirun would wait for it forever, so it is killed first (docs/faults.md).
  void abandon(int status) override {
    session();  // MPI started, as MPI_Abort needs
    const int zero = session().rank_zero_local_pid();
    if (session().rank() != 0 && session().transport().server_lost() && zero > 0 && process_stopped(zero)) {
      std::fprintf(stderr, "hsgd: rank %d: rank 0 (pid %d) is stopped (SIGSTOP): killed, so that mpirun can end\n",
                   session().rank(), zero);
      std::fflush(stderr);
      kill(zero, SIGKILL);
    }
    MPI_Abort(MPI_COMM_WORLD, status);
  }
  void ending(int status) override { session().set_exit_status(status); }
  // Workers as processes (ranks 1..N, on this machine or others), at once,
  // in real time; a resumed run's worker ranks are new processes.
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.evaluation = EvaluationMode::kBackground;
    t.real_time = true;
    t.concurrent_workers = true;
    t.copies_per_worker = 0;  // in other processes: rank 0 holds none
    t.fresh_workers_on_resume = true;
    t.max_servers = 64;  // --servers' own range; ranks 0..S-1 are the shards
    return t;
  }
  RunResult train(RunHarness& run) override {
    return serve_as_server_rank(run, session().transport(), session().local_pids());
  }

 private:
  // MPI starts on first use, not when the runtime is made: its traits are
  // read (the suite's checks) without starting MPI.
  MpiSession& session() const {
    if (!session_) session_ = std::make_unique<MpiSession>();
    return *session_;
  }
  mutable std::unique_ptr<MpiSession> session_;
};

}  // namespace

std::unique_ptr<Runtime> make_mpi_runtime() { return std::make_unique<MpiRuntime>(); }

std::string mpi_library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(text, &length);  // one of the few calls allowed before MPI_Init
  std::string version(text, static_cast<size_t>(std::max(0, length)));
  return version.substr(0, version.find_first_of(",\n"));
}

}  // namespace hsgd
