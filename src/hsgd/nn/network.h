// network.h: what the fast path's Model (model/fast_model.cc) needs of a
// network on the flat buffer, whichever kernels run it: the hand-written ones
// (fast_network.h) or oneDNN's primitives (dnnl_network.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hsgd::nn {

class Network {
 public:
  virtual ~Network() = default;

  virtual size_t num_params() const = 0;
  virtual int num_classes() const = 0;

  // Mean cross-entropy of n images (NCHW, normalised) with their labels at
  // `params`; writes its gradient to `grad` (num_params() floats).
  virtual double gradient(const float* params, const float* images, const int64_t* labels, size_t n,
                          float* grad) = 0;

  // Adds the n images' summed loss to *loss_sum and their correct
  // predictions to *correct.
  virtual void score(const float* params, const float* images, const int64_t* labels, size_t n, double* loss_sum,
                     size_t* correct) = 0;

  // The logits of the last forward pass (n x num_classes()).
  virtual const float* logits() const = 0;
};

}  // namespace hsgd::nn
