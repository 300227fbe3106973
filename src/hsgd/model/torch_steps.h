// torch_steps.h: the LibTorch steps every LibTorch-backed Model shares (the
// built-in reference networks of torch_model.cc and a user's TorchScript
// module of torchscript_model.cc): labels as a tensor, the gradients into the
// flat buffer, and the evaluation loop. Included by those two files only.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "hsgd/data/batch.h"
#include "hsgd/model/model.h"

namespace hsgd::torch_steps {

inline torch::Tensor labels_of(const Batch& b) {
  return torch::from_blob(const_cast<int64_t*>(b.labels.data()), {static_cast<int64_t>(b.size())}, torch::kLong);
}

// Copies each parameter's gradient into `grad`, in order (zeros for a
// parameter not on the loss path).
inline void copy_gradients(const std::vector<torch::Tensor>& params, float* grad) {
  for (const auto& p : params) {
    const auto& g = p.grad();
    if (g.defined()) {
      const auto gc = g.contiguous();
      std::memcpy(grad, gc.data_ptr<float>(), gc.numel() * sizeof(float));
    } else {
      std::memset(grad, 0, p.numel() * sizeof(float));
    }
    grad += p.numel();
  }
}

// Summed cross-entropy and correct predictions over `set`, in minibatches of
// `batch_size` filled into `scratch`; logits_of(batch) runs the network.
template <typename LogitsOf>
Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size, Batch& scratch,
                    LogitsOf&& logits_of) {
  torch::NoGradGuard no_grad;
  std::vector<size_t> indices;
  double loss_sum = 0;
  int64_t correct = 0;
  for (size_t start = 0; start < set.size(); start += batch_size) {
    const size_t count = std::min(batch_size, set.size() - start);
    indices.resize(count);
    std::iota(indices.begin(), indices.end(), start);
    fill_batch(set, norm, indices.data(), count, scratch);
    const torch::Tensor logits = logits_of(scratch);
    const auto y = labels_of(scratch);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += logits.argmax(1).eq(y).sum().item<int64_t>();
  }
  return Evaluation::of_sums(loss_sum, static_cast<size_t>(correct), set.size());
}

}  // namespace hsgd::torch_steps
