// runtime_registry.cc: RuntimeKind -> Runtime, the one place that names the
// runtimes. What sets each apart is declared by the runtime itself
// (Runtime::traits()), so a new runtime is its own file, a value in
// RuntimeKind, and one row here. Built into the hsgd_runtimes library with
// the MPI runtime, so that the torch-free core links no MPI.
#include "hsgd/common/error.h"
#include "hsgd/runtime/mpi_runtime.h"
#include "hsgd/runtime/runtime.h"
#include "hsgd/runtime/sim_runtime.h"
#include "hsgd/runtime/single_runtime.h"
#include "hsgd/runtime/threads_runtime.h"

namespace hsgd {
namespace {

struct RuntimeEntry {
  RuntimeKind kind;
  std::unique_ptr<Runtime> (*make)();
};

constexpr RuntimeEntry kRuntimes[] = {
    {RuntimeKind::kSingle, make_single_runtime},
    {RuntimeKind::kThreads, make_threads_runtime},
    {RuntimeKind::kSim, make_sim_runtime},
    {RuntimeKind::kMpi, make_mpi_runtime},  // MPI starts on first use, not here
};

}  // namespace

std::unique_ptr<Runtime> make_runtime(RuntimeKind kind) {
  for (const RuntimeEntry& entry : kRuntimes)
    if (entry.kind == kind) return entry.make();
  HSGD_CHECK(false, "runtime ", name_of(kind), " is not in the registry (runtime_registry.cc)");
  return nullptr;
}

}  // namespace hsgd
