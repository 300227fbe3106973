// fast_network.h: an architecture (nn/architecture.h) run by the
// hand-written kernels of kernels.h, reading its parameters straight from the
// flat buffer and writing its gradient straight into one. All buffers are
// sized for the largest batch seen and reused: no allocation per batch.
// LibTorch is the reference: tests/fast_network_test.cc checks that both give
// the same loss, gradient and logits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hsgd/nn/architecture.h"
#include "hsgd/nn/layer_geometry.h"
#include "hsgd/nn/network.h"

namespace hsgd::nn {

// Which kernels run the convolutions: the direct ones of kernels.h, matrix
// products (gemm.h), or per layer by its size (kAuto: products for layers
// with at least kGemmConvChannels output channels; below that the direct
// kernels measured faster, docs/performance.md). Linear layers are always
// matrix products: they measured faster at every size in the catalog.
// kDnnl is not FastNetwork's: the whole network runs on oneDNN
// (dnnl_network.h); model/fast_model.cc picks the class.
enum class ConvKernels { kAuto, kDirect, kGemm, kDnnl };
// "auto", "direct", "gemm", "dnnl" (tests and benchmarks name their cases with it).
inline const char* kernels_name(ConvKernels kernels) {
  switch (kernels) {
    case ConvKernels::kDirect: return "direct";
    case ConvKernels::kGemm: return "gemm";
    case ConvKernels::kDnnl: return "dnnl";
    case ConvKernels::kAuto: break;
  }
  return "auto";
}
constexpr int kGemmConvChannels = 32;

class FastNetwork final : public Network {
 public:
  // Throws InternalError if the layer list is inconsistent (a layer's input
  // does not match the previous layer's output).
  explicit FastNetwork(const ModelInfo& info, ConvKernels kernels = ConvKernels::kAuto);

  size_t num_params() const override { return num_params_; }
  int num_classes() const override { return classes_; }
  // Whether a convolution runs as matrix products (the network is large).
  bool uses_gemm_convolutions() const;

  // Mean cross-entropy of n images (NCHW, normalised) with their labels at
  // `params`; writes its gradient to `grad` (num_params() floats).
  double gradient(const float* params, const float* images, const int64_t* labels, size_t n, float* grad) override;

  // Adds the n images' summed loss to *loss_sum and their correct
  // predictions to *correct.
  void score(const float* params, const float* images, const int64_t* labels, size_t n, double* loss_sum,
             size_t* correct) override;

  // The logits of the last forward pass (n x num_classes()).
  const float* logits() const override { return activations_.back().data(); }

 private:
  // A layer's geometry (spec, shapes, weights' offset) and how it runs.
  struct Layer : LayerGeometry {
    bool gemm = false;  // a convolution run as matrix products (fast_network_gemm.cc)
    // The input's layout: sample-major (n x c x h x w) or channel-major
    // (c x n x h x w, what a gemm convolution writes).
    bool in_channel_major = false;
    // The delta of this layer's input is never read: a ReLU or max-pool
    // between a sparse convolution and its pool (the convolution reads the
    // pool's own delta at the argmax instead).
    bool input_delta_unused = false;
  };

  void reserve(size_t n);
  // training: also what backward needs (max-pool argmax); else scoring only
  void forward(const float* params, const float* images, size_t n, bool training);
  void forward_layer(size_t l, const float* params, const float* in, float* out, size_t n, bool training);
  void backward_layer(size_t l, const float* params, const float* in, float* din, size_t n, float* grad);
  void conv_forward(const Layer& layer, const float* params, const float* in, float* out, size_t n);
  void conv_backward(const Layer& layer, const float* params, const float* in, float* din, size_t n, float* grad);
  void conv_forward_gemm(size_t l, const float* params, const float* in, float* out, size_t n);
  void conv_backward_gemm(size_t l, const float* params, float* din, size_t n, float* grad);
  void linear_forward(size_t l, const float* params, const float* in, float* out, size_t n);
  // A linear layer's input as one row per sample (transposed into
  // sample_major_[l] if it is channel-major).
  const float* sample_major_input(size_t l, const float* in, size_t n);
  void linear_backward(size_t l, const float* params, const float* in, float* din, size_t n, float* grad);
  void sparse_conv_backward(size_t l, size_t pool, const float* params, const float* in, float* din, size_t n,
                            float* grad);
  // The max-pool layer whose argmax marks where layer l's delta can be
  // nonzero (l is followed by a pool, or by a ReLU and a pool), or -1.
  int sparsifying_pool(size_t l) const;

  std::vector<Layer> layers_;
  size_t num_params_ = 0;
  int classes_ = 0;
  size_t capacity_ = 0;                          // batch size the buffers hold
  std::vector<std::vector<float>> activations_;  // [l]: layer l's output, capacity_ x out.size()
  std::vector<std::vector<float>> deltas_;       // [l]: d loss / d activations_[l]
  std::vector<std::vector<int32_t>> argmax_;     // [l]: max-pool layers' argmax
  std::vector<float> wide_, padded_delta_, flipped_;  // convolution scratch
  std::vector<float> sparse_delta_;                   // a plane's delta at its pool's argmax
  std::vector<std::vector<float>> columns_;           // [l]: a gemm convolution's im2col block
  std::vector<float> delta_columns_;                  // gemm convolution scratch
  std::vector<std::vector<float>> sample_major_;      // [l]: a linear layer's channel-major input, transposed
};

}  // namespace hsgd::nn
