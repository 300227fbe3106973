// run_options.h: the small typed groups of settings a TrainConfig is made of
// (runtime, delays, budget, evaluation, MPI), each with its defaults.
// The options that set them, with their ranges, are in option_list.h.
#pragma once

#include <cstdint>

#include "hsgd/common/enum_names.h"

namespace hsgd {

enum class RuntimeKind {
  kSingle,   // one worker, no delays, evaluation pauses training
  kThreads,  // the PS and N workers as threads of one process, real time
  kSim,      // a simulated cluster in virtual time, deterministic
  kMpi,      // rank 0 the PS, ranks 1..N workers
};
template <>
struct EnumNames<RuntimeKind> {
  static constexpr const char* kind = "runtime";
  static constexpr std::pair<RuntimeKind, const char*> values[] = {{RuntimeKind::kSingle, "single"},
                                                                   {RuntimeKind::kThreads, "threads"},
                                                                   {RuntimeKind::kSim, "sim"},
                                                                   {RuntimeKind::kMpi, "mpi"}};
};

enum class DelayDistribution { kNone, kHalfNormal, kExponential, kFixed };
template <>
struct EnumNames<DelayDistribution> {
  static constexpr const char* kind = "distribution";
  static constexpr std::pair<DelayDistribution, const char*> values[] = {
      {DelayDistribution::kNone, "none"},
      {DelayDistribution::kHalfNormal, "half-normal"},
      {DelayDistribution::kExponential, "exponential"},
      {DelayDistribution::kFixed, "fixed"}};
};

// Injected delays before each push (the paper: |N(0, 0.25)| s on half the workers).
struct DelayOptions {
  DelayDistribution distribution = DelayDistribution::kHalfNormal;
  double fraction = 0.5;  // share of workers that are delayed
  double scale = 0.25;    // seconds: sigma (half-normal), mean (exponential), value (fixed)
};

// Training stops at the first limit reached; 0 = no limit.
struct Budget {
  double epochs = 0;      // samples computed / training-set size
  double seconds = 0;     // training time
  int64_t updates = 0;    // parameter updates applied
  int64_t gradients = 0;  // gradients received by the server

  bool any() const { return epochs > 0 || seconds > 0 || updates > 0 || gradients > 0; }
  // The share used (>= 1 when done): the largest over the limits set.
  // Pass seconds = 0 to leave the time limit to the caller.
  double fraction(double seconds_done, uint64_t updates_done, uint64_t gradients_done, double epochs_done) const;
};

struct EvalOptions {
  double every_seconds = 5.0;   // of training time (evaluation time not counted)
  int batch = 250;              // keeps activations below malloc's mmap threshold
  double target_accuracy = 0;   // stop when test accuracy first reaches it; 0 = off
  int64_t samples = 0;          // test images evaluated during training (a seeded subset); 0 = all
};

// Threads and mpi: a server that costs time, as the simulator's --sim-ps-*
// options cost virtual time (docs/simulator.md, "Server costs in real time").
// After each push the server holds itself until gradient_ms (+ update_ms when
// the push applied an update) have passed since the push began, so its time
// per push is at least that; it sleeps rather than spins, because the server
// it stands for is a machine of its own, which takes no core from the workers.
struct ServerCost {
  double gradient_ms = 0;  // per gradient received
  double update_ms = 0;    // more per update applied
  bool any() const { return gradient_ms > 0 || update_ms > 0; }
};

struct MpiOptions {
  double worker_timeout = 30;  // seconds without a message before a worker rank is declared dead
  double server_timeout = 10;  // seconds a waiting worker rank hears nothing from rank 0 before it exits
  int hang_rank = -1;          // fault injection for tests: this rank stops answering...
  int64_t hang_after = 0;      // ...after this many pushes
};

}  // namespace hsgd
