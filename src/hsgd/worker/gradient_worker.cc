// gradient_worker.cc
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {

GradientWorker::GradientWorker(int id, Model& model, const Dataset& data, std::vector<size_t> shard,
                               size_t batch_size, uint64_t seed)
    : id_(id),
      model_(model),
      data_(data),
      sampler_(std::move(shard), batch_size, derive_seed(seed, 1000 + static_cast<uint64_t>(id))),
      grad_(model_.num_params()) {}

double GradientWorker::compute_on(Model& replica) {
  const auto& indices = sampler_.next();
  fill_batch(data_.train, data_.normalization, indices.data(), indices.size(), batch_);
  return replica.compute_gradient(batch_, grad_.data());
}

}  // namespace hsgd
