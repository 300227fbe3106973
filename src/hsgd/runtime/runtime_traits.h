// runtime_traits.h: what differs between runtimes, declared by each runtime
// (Runtime::traits(), runtime.h) so that no code outside the runtimes asks
// which runtime it is (no RuntimeKind comparison outside the registry,
// runtime_registry.cc). Torch-free and MPI-free: the configuration checks,
// the harness and the commands read it.
#pragma once

namespace hsgd {

// How the harness evaluates snapshots: on the training thread, or on a
// background thread while the workers go on.
enum class EvaluationMode { kInline, kBackground };

struct RuntimeTraits {
  // inline (single, sim) or background (threads, mpi)
  EvaluationMode evaluation = EvaluationMode::kInline;
  // Time is virtual (sim): the runtime reports the PS's service time from its
  // cost model, so the harness does not measure a push's wall time.
  bool virtual_time = false;
  // Workers compute at once in real time (threads, mpi): their gradient rates
  // can be compared (compare's throughput check).
  bool real_time = false;
  // Workers compute at once on this machine's cores (threads, mpi), so each
  // gets cores / workers compute threads; otherwise one gradient at a time
  // gets every core (single, sim).
  bool concurrent_workers = false;
  // Model-sized buffers each worker holds in this process, for the memory
  // check before data is loaded (threads: its gradient, the replicas being
  // the compute slots', one per core; 0: the workers are other processes, mpi).
  double copies_per_worker = 1;
  // The most workers it runs (0: only --workers' own range), and why.
  int max_workers = 0;
  const char* max_workers_reason = "";
  // The most server shards it runs (--servers; sim: 64, the option's own
  // range), and why not more.
  int max_servers = 1;
  const char* max_servers_reason = " (its one server holds every parameter; --runtime sim shards it)";
  // It has a parameter server whose modes can differ (single: one worker, no PS).
  bool compares_modes = true;
  // It writes checkpoints (--checkpoint-every) and can be resumed.
  bool checkpoints = true;
  // The workers of a resumed run are new (mpi: new processes, maybe another
  // number of them): they start afresh, and --workers comes from them.
  bool fresh_workers_on_resume = false;
};

}  // namespace hsgd
