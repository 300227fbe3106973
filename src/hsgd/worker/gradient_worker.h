// gradient_worker.h: what one worker does, whatever runtime drives it:
// computes gradients of its own model replica on minibatches of its own shard.
//
// A worker has a Model to compute with (its own replica in the threads
// runtime; one shared by all in the simulator, which computes one gradient at
// a time), its BatchSampler over its shard (seeded per worker) and its
// gradient buffer. It knows nothing of the parameter server or of time:
// runtimes pull parameters, call compute(), and push gradient().
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hsgd/data/batch.h"
#include "hsgd/data/image_set.h"
#include "hsgd/data/sharding.h"
#include "hsgd/model/model.h"

namespace hsgd {

class GradientWorker {
 public:
  // `model` and `data` must outlive the worker; `shard` indexes data.train.
  GradientWorker(int id, Model& model, const Dataset& data, std::vector<size_t> shard, size_t batch_size,
                 uint64_t seed);

  // Loads `params` (flat) into the replica and computes the gradient of the
  // mean loss on the next minibatch; returns that loss.
  double compute(const float* params) {
    model_.set_params(params);
    return compute_on(model_);
  }
  // The same on a replica already holding the parameters (the threads
  // runtime's compute slots own the replicas: one per core, not one per worker).
  double compute_on(Model& replica);

  const std::vector<float>& gradient() const { return grad_; }
  float* gradient_data() { return grad_.data(); }
  int id() const { return id_; }
  uint64_t samples() const { return sampler_.samples_drawn(); }
  size_t num_params() const { return grad_.size(); }
  Model& model() { return model_; }
  // Its minibatch order, for checkpoints.
  BatchSampler& sampler() { return sampler_; }
  const BatchSampler& sampler() const { return sampler_; }

 private:
  int id_;
  Model& model_;
  const Dataset& data_;
  BatchSampler sampler_;
  Batch batch_;
  std::vector<float> grad_;
};

}  // namespace hsgd
