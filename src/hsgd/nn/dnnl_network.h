// dnnl_network.h: a catalog architecture run by oneDNN's primitives
// (convolution, ReLU, max-pool, inner product; forward and both backward
// passes: the library LibTorch itself uses for CPU convolutions, with JIT
// kernels for AVX2, AVX-512 and more), reading its parameters from hsgd's flat
// buffer and writing its gradient into one. Convolution weights are reordered
// into the layout the JIT kernels want on every call (they change between
// calls); activations stay in that layout between layers; linear layers use
// the flat buffer's own layout, so they read and write it in place.
//
// Every primitive runs on the calling thread alone (one OpenMP thread):
// callers parallelise over parts of a batch (model/fast_model.cc), so a
// gradient does not depend on the thread count. Primitives are built once per
// batch size and reused. LibTorch is the reference: tests/fast_network_test.cc
// checks loss, gradient and logits against it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hsgd/nn/architecture.h"
#include "hsgd/nn/network.h"

namespace hsgd::nn {

class DnnlNetwork final : public Network {
 public:
  // Throws InternalError if the layer list is inconsistent.
  explicit DnnlNetwork(const ModelInfo& info);
  ~DnnlNetwork() override;

  size_t num_params() const override;
  int num_classes() const override;
  double gradient(const float* params, const float* images, const int64_t* labels, size_t n, float* grad) override;
  void score(const float* params, const float* images, const int64_t* labels, size_t n, double* loss_sum,
             size_t* correct) override;
  const float* logits() const override;

  // The instruction set oneDNN's JIT kernels use on this CPU (e.g. "avx512_core_bf16").
  static std::string isa();
  // oneDNN's version ("2.6.3").
  static std::string version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hsgd::nn
