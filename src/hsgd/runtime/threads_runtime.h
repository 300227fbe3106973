// threads_runtime.h: --runtime threads: the parameter server and N workers
// as threads of one process, in real (wall-clock) time.
//
// Each worker thread owns a model replica and its data shard and runs
//   pull (copy the committed parameters and their version)
//   -> compute a gradient (outside any lock, 1 torch thread by default)
//   -> sleep its injected delay
//   -> push (under the PS mutex; may apply an update)
//   -> with wait policy `applied` (and in sync mode), wait until that gradient is applied.
// Worker 0 runs on the calling thread (where LibTorch's OpenMP pool and
// malloc's main arena live), the others on their own threads. A monitor
// thread watches the budget and signals and takes a snapshot at every
// evaluation point; a low-priority thread evaluates the snapshots. When it
// falls more than one snapshot behind, the monitor parks every worker at its
// next pull, stops the training clock until evaluation has caught up, and
// lets them go on (docs/architecture.md, "Evaluation keeps up").
#pragma once

#include <memory>

#include "hsgd/runtime/runtime.h"

namespace hsgd {

std::unique_ptr<Runtime> make_threads_runtime();

}  // namespace hsgd
