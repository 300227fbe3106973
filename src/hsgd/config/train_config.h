// train_config.h: every setting of a single-worker training run, its checks,
// and its JSON form (saved beside the run's metrics).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace hsgd {

struct TrainConfig {
  // data and model
  std::string data = "mnist";     // a data set spec (dataset_registry.h)
  std::string data_root;          // empty: default_data_root()
  std::string model = "mnist-cnn";
  // optimisation
  int batch_size = 64;
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  // budget: training stops at the first limit reached; 0 = no limit
  double epochs = 0;
  double seconds = 0;
  int64_t steps = 0;
  // evaluation
  double eval_every_seconds = 5.0;  // of training time (evaluation time not counted)
  int eval_batch = 250;             // keeps activations below malloc's mmap threshold
  double target_accuracy = 0;       // report when test accuracy first reaches it; 0 = off
  // machine and output
  int threads = 0;                  // compute threads; 0 = all cores
  uint64_t seed = 1;
  std::string out_dir;              // empty: runs/train-<time>

  // Throws ConfigError naming the first bad value and its allowed range.
  void validate() const;
};

void to_json(nlohmann::json& j, const TrainConfig& c);

}  // namespace hsgd
