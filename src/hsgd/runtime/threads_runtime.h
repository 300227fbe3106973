// threads_runtime.h: the parameter server and N workers as threads of one
// process, in real (wall-clock) time.
//
// Each worker thread owns a model replica and its data shard and runs
//   pull (copy the committed parameters and their version)
//   -> compute a gradient (outside any lock, 1 torch thread by default)
//   -> sleep its injected delay
//   -> push (under the PS mutex; may apply an update)
//   -> with wait policy `applied` (and in sync mode), wait until that gradient is applied.
// Worker 0 runs on the calling thread (where LibTorch's OpenMP pool and
// malloc's main arena live), the others on their own threads. A monitor
// thread watches the budget and takes a parameter snapshot at every
// evaluation point; a low-priority thread evaluates the snapshots.
#pragma once

#include <cstdio>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"

namespace hsgd {

// Trains with config.workers worker threads; writes metrics.csv and
// summary.json into config.out_dir. Progress goes to `log` (nullptr: silent).
RunResult run_threads(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log);

}  // namespace hsgd
