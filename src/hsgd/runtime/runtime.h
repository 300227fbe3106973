// runtime.h: the seam between the run harness and the ways of running
// workers. A runtime decides who calls the parameter server when, and what
// time it is; everything else (PS, rows, evaluation, budget, progress,
// signals, divergence, summary) is the harness's (run_harness.h).
//
// What differs between runtimes is declared by each in traits()
// (runtime_traits.h); nothing outside the runtimes and their registry asks
// which runtime it is. Adding a runtime (docs/architecture.md, "Adding a
// runtime"): a class in its own file implementing traits() and train(), a
// value in RuntimeKind, and a row in the registry (runtime_registry.cc).
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/model/model.h"
#include "hsgd/runtime/run_harness.h"
#include "hsgd/runtime/runtime_traits.h"

namespace hsgd {

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Settings this runtime decides before the configuration is validated
  // (mpi: the number of workers from the ranks, unless the user set
  // --workers; single: one worker, no delays).
  virtual void resolve(TrainConfig&, bool /*workers_given*/) const {}
  // Checks only this runtime can make (mpi: workers against ranks); before
  // any data is loaded.
  virtual void check(const TrainConfig&) const {}
  // Whether this process writes the run's folder and prints its results
  // (mpi: rank 0 only).
  virtual bool writes_results() const { return true; }
  // This process's part of the data (mpi workers: their shard only).
  virtual Dataset load_data(const TrainConfig& config) const;
  // Processes that do not write results (mpi workers) run here instead of train().
  virtual void serve(const TrainConfig&, const Dataset&, const ModelFactory&) {}
  // This process failed with exit status `status` (its message is printed):
  // ends whatever would wait for it (mpi: every rank, with MPI_Abort).
  virtual void abandon(int /*status*/) {}
  // The command ends normally with exit status `status` (mpi: rank 0 uses it
  // if it must end with MPI_Abort rather than MPI_Finalize).
  virtual void ending(int /*status*/) {}

  // What sets this runtime apart (runtime_traits.h): how it evaluates, its
  // time, its workers' limits and memory, checkpoints and resume.
  virtual RuntimeTraits traits() const = 0;
  // Trains until run.stopping(), then returns run.finish(training time, the
  // runtime's own summary fields).
  virtual RunResult train(RunHarness& run) = 0;
};

std::unique_ptr<Runtime> make_runtime(RuntimeKind kind);

}  // namespace hsgd
