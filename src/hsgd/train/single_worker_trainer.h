// single_worker_trainer.h: plain minibatch SGD with one worker, the baseline
// every distributed mode is compared against.
//
// The loop is the one a parameter-server worker runs, with the server folded
// in: compute a gradient on the flat parameters, apply the SGD step, repeat.
// Evaluation on the test set happens every `eval_every_seconds` of training
// time; the time it takes is not counted as training time.
//
// Writes into config.out_dir:
//   metrics.csv   time_s, wall_s, steps, samples, epoch, train_loss, test_loss, test_accuracy
//   summary.json  the configuration, the final evaluation and throughput
#pragma once

#include <cstdint>
#include <cstdio>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/model/model.h"

namespace hsgd {

struct TrainResult {
  Evaluation final_eval;
  int64_t steps = 0;
  uint64_t samples = 0;
  double epochs = 0;
  double train_seconds = 0;        // compute time, evaluation excluded
  double wall_seconds = 0;         // everything
  double samples_per_second = 0;   // samples / train_seconds
  double target_reached_seconds = -1;  // training time when test accuracy first met the target
  double target_reached_epochs = -1;
};

// `model` must accept the data set's image shape (ConfigError otherwise).
// Progress lines go to `log` (nullptr: silent).
TrainResult train_single_worker(const TrainConfig& config, const Dataset& data, Model& model, std::FILE* log);

// Throws ConfigError when `model` cannot take the images of `data`.
void check_model_fits_data(const Model& model, const Dataset& data);

}  // namespace hsgd
