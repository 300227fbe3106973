// runtime_registry.cc: RuntimeKind -> Runtime. Built into the hsgd_runtimes
// library with the MPI runtime, so that the torch-free core links no MPI.
#include "hsgd/runtime/mpi_runtime.h"
#include "hsgd/runtime/runtime.h"
#include "hsgd/runtime/sim_runtime.h"
#include "hsgd/runtime/single_runtime.h"
#include "hsgd/runtime/threads_runtime.h"

namespace hsgd {

std::unique_ptr<Runtime> make_runtime(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::kSingle: return make_single_runtime();
    case RuntimeKind::kThreads: return make_threads_runtime();
    case RuntimeKind::kSim: return make_sim_runtime();
    case RuntimeKind::kMpi: return make_mpi_runtime();
  }
  return nullptr;
}

}  // namespace hsgd
