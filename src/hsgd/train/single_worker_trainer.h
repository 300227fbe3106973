// single_worker_trainer.h: plain minibatch SGD with one worker and no
// parameter server (--runtime single): the baseline the distributed runtimes
// are measured against.
//
// The loop is a worker's loop with the server folded in: compute a gradient
// on the flat parameters, apply the SGD step, repeat. The test set is
// evaluated every `eval_every_seconds` of training time; evaluation time is
// not counted as training time.
//
// Writes into config.out_dir: metrics.csv (run_metrics.h columns; k = 1,
// staleness 0) and summary.json (configuration, final and averaged values).
#pragma once

#include <cstdio>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"

namespace hsgd {

// `model` must accept the data set's image shape (ConfigError otherwise).
// Progress lines go to `log` (nullptr: silent).
RunResult train_single_worker(const TrainConfig& config, const Dataset& data, Model& model, std::FILE* log);

// Throws ConfigError when `model` cannot take the images of `data`.
void check_model_fits_data(const Model& model, const Dataset& data);

}  // namespace hsgd
