// fast_network.cc: see fast_network.h. Convolutions go through "wide" planes
// (kernels.h): forward, the weight gradient and (with the kernel flipped) the
// input gradient are each one long correlation per pair of channels.
#include "hsgd/nn/fast_network.h"

#include <algorithm>
#include <cstring>

#include "hsgd/common/error.h"
#include "hsgd/nn/kernels.h"

namespace hsgd::nn {
namespace {

// Floats past the end of every activation and delta buffer: the sparse
// convolution gradient reads and writes whole 8-float rows.
constexpr size_t kSlack = 8;

}  // namespace

FastNetwork::FastNetwork(const ModelInfo& info, ConvKernels kernels) {
  HSGD_CHECK(kernels != ConvKernels::kDnnl, info.name, ": oneDNN networks are DnnlNetwork's");
  NetworkGeometry net = layer_geometry(info.name, info.input, info.layers);
  num_params_ = net.num_params;
  classes_ = net.classes;
  bool channel_major = false;  // the layout of the activation between layers
  for (const LayerGeometry& g : net.layers) {
    Layer layer;
    static_cast<LayerGeometry&>(layer) = g;
    layer.in_channel_major = channel_major;
    if (g.spec.kind == LayerKind::kConv) {
      // The direct kernels read sample-major input only.
      layer.gemm = kernels == ConvKernels::kGemm || channel_major ||
                   (kernels == ConvKernels::kAuto && g.spec.out >= kGemmConvChannels);
      channel_major = layer.gemm;
    } else if (g.spec.kind == LayerKind::kLinear) {
      channel_major = false;
    }
    layers_.push_back(layer);
  }
  activations_.resize(layers_.size());
  deltas_.resize(layers_.size());
  argmax_.resize(layers_.size());
  columns_.resize(layers_.size());
  sample_major_.resize(layers_.size());
  for (size_t l = 0; l < layers_.size(); ++l) {
    const int pool = layers_[l].spec.kind == LayerKind::kConv && !layers_[l].gemm ? sparsifying_pool(l) : -1;
    for (int between = static_cast<int>(l) + 1; between <= pool; ++between) layers_[between].input_delta_unused = true;
  }
}

bool FastNetwork::uses_gemm_convolutions() const {
  return std::any_of(layers_.begin(), layers_.end(), [](const Layer& layer) { return layer.gemm; });
}

void FastNetwork::reserve(size_t n) {
  if (n <= capacity_) return;
  capacity_ = n;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    activations_[l].resize(n * layer.out.size() + kSlack);
    deltas_[l].resize(n * layer.out.size() + kSlack);
    if (layer.spec.kind == LayerKind::kMaxPool) {
      argmax_[l].resize(n * layer.out.size());
      sparse_delta_.resize(std::max(sparse_delta_.size(), static_cast<size_t>(layer.out.h) * layer.out.w));
    }
    if (layer.spec.kind == LayerKind::kLinear && layer.in_channel_major) sample_major_[l].resize(n * layer.in.size());
    if (layer.spec.kind == LayerKind::kConv && layer.gemm) {
      const size_t columns = n * layer.out.h * layer.out.w, taps = static_cast<size_t>(layer.in.c) * layer.spec.kernel *
                                                                      layer.spec.kernel;
      columns_[l].resize(taps * columns);
      delta_columns_.resize(std::max(delta_columns_.size(), taps * columns));
    } else if (layer.spec.kind == LayerKind::kConv) {
      const size_t plane = static_cast<size_t>(layer.in.h) * layer.in.w;
      const size_t pad = static_cast<size_t>(layer.spec.kernel - 1) * (layer.in.w + 1);
      wide_.resize(std::max(wide_.size(), kMaxPlanes * plane));
      padded_delta_.resize(std::max(padded_delta_.size(), pad + plane));
      flipped_.resize(std::max(flipped_.size(), static_cast<size_t>(layer.spec.out) * layer.spec.in *
                                                     layer.spec.kernel * layer.spec.kernel));
    }
  }
}

double FastNetwork::gradient(const float* params, const float* images, const int64_t* labels, size_t n,
                             float* grad) {
  forward(params, images, n, /*training=*/true);
  std::fill(grad, grad + num_params_, 0.0f);
  const double loss = softmax_cross_entropy(activations_.back().data(), labels, static_cast<int>(n), classes_,
                                            deltas_.back().data(), nullptr);
  for (size_t l = layers_.size(); l-- > 0;) {
    const float* in = l == 0 ? images : activations_[l - 1].data();
    float* din = l == 0 ? nullptr : deltas_[l - 1].data();  // the input needs no gradient
    backward_layer(l, params, in, din, n, grad);
  }
  return n > 0 ? loss / static_cast<double>(n) : 0.0;
}

void FastNetwork::score(const float* params, const float* images, const int64_t* labels, size_t n, double* loss_sum,
                        size_t* correct) {
  forward(params, images, n, /*training=*/false);
  *loss_sum += softmax_cross_entropy(activations_.back().data(), labels, static_cast<int>(n), classes_, nullptr,
                                     correct);
}

void FastNetwork::forward(const float* params, const float* images, size_t n, bool training) {
  reserve(n);
  for (size_t l = 0; l < layers_.size(); ++l)
    forward_layer(l, params, l == 0 ? images : activations_[l - 1].data(), activations_[l].data(), n, training);
}

void FastNetwork::forward_layer(size_t l, const float* params, const float* in, float* out, size_t n,
                                bool training) {
  const Layer& layer = layers_[l];
  const LayerSpec& s = layer.spec;
  switch (s.kind) {
    case LayerKind::kConv:
      if (layer.gemm) return conv_forward_gemm(l, params, in, out, n);
      return conv_forward(layer, params, in, out, n);
    case LayerKind::kMaxPool:
      return max_pool_forward(in, out, training ? argmax_[l].data() : nullptr, static_cast<int>(n) * layer.in.c, layer.in.h, layer.in.w,
                              s.kernel);
    case LayerKind::kRelu:
      return relu_forward(in, out, n * layer.in.size());
    case LayerKind::kLinear:
      return linear_forward(l, params, in, out, n);
  }
}

void FastNetwork::backward_layer(size_t l, const float* params, const float* in, float* din, size_t n, float* grad) {
  const Layer& layer = layers_[l];
  const LayerSpec& s = layer.spec;
  const float* dout = deltas_[l].data();
  switch (s.kind) {
    case LayerKind::kConv: {
      if (layer.gemm) return conv_backward_gemm(l, params, din, n, grad);
      const int pool = sparsifying_pool(l);
      if (pool < 0) return conv_backward(layer, params, in, din, n, grad);
      return sparse_conv_backward(l, static_cast<size_t>(pool), params, in, din, n, grad);
    }
    case LayerKind::kMaxPool:
      if (din != nullptr && !layer.input_delta_unused)
        max_pool_backward(dout, argmax_[l].data(), din, static_cast<int>(n) * layer.in.c, layer.in.h, layer.in.w,
                          s.kernel);
      return;
    case LayerKind::kRelu:
      if (din != nullptr && !layer.input_delta_unused) relu_backward(activations_[l].data(), dout, din, n * layer.in.size());
      return;
    case LayerKind::kLinear:
      return linear_backward(l, params, in, din, n, grad);
  }
}

int FastNetwork::sparsifying_pool(size_t l) const {
  if (layers_[l].spec.kernel > kMaxSparseKernel) return -1;
  size_t next = l + 1;
  if (next < layers_.size() && layers_[next].spec.kind == LayerKind::kRelu) ++next;
  if (next < layers_.size() && layers_[next].spec.kind == LayerKind::kMaxPool) return static_cast<int>(next);
  return -1;
}

namespace {

// The size of the group of planes that starts at plane `first` of `total`,
// when they are cut into the fewest groups of at most kMaxPlanes, of sizes
// that differ by at most one (16 planes: 6, 5, 5; a group of 2 keeps too few
// accumulators in flight).
int plane_group(int total, int first) {
  const int groups = (total + kMaxPlanes - 1) / kMaxPlanes, small = total / groups, large = small + 1;
  const int larges = total % groups;  // the first `larges` groups have one plane more
  return first < larges * large ? large : small;
}

}  // namespace

// Output planes in balanced groups (plane_group): bias, then one wide correlation per
// input channel (shared by the group), then the valid columns copied out.
void FastNetwork::conv_forward(const Layer& layer, const float* params, const float* in, float* out, size_t n) {
  const int k = layer.spec.kernel, cin = layer.in.c, cout = layer.out.c;
  const int stride = layer.in.w, length = (layer.out.h - 1) * stride + layer.out.w;
  const size_t taps = static_cast<size_t>(k) * k, plane = static_cast<size_t>(layer.in.h) * stride;
  const size_t out_plane = static_cast<size_t>(layer.out.h) * layer.out.w;
  const float* weights = params + layer.weights;
  const float* bias = weights + taps * cin * cout;
  float* wide[kMaxPlanes];
  const float* kernel[kMaxPlanes];
  for (size_t s = 0; s < n; ++s) {
    const float* image = in + s * layer.in.size();
    for (int o0 = 0, group = 0; o0 < cout; o0 += group) {
      group = plane_group(cout, o0);
      for (int p = 0; p < group; ++p) {
        wide[p] = wide_.data() + p * plane;
        std::fill(wide[p], wide[p] + length, bias[o0 + p]);
      }
      for (int c = 0; c < cin; ++c) {
        for (int p = 0; p < group; ++p) kernel[p] = weights + (static_cast<size_t>(o0 + p) * cin + c) * taps;
        correlate_accumulate_planes(k, group, wide, image + c * plane, kernel, stride, length);
      }
      for (int p = 0; p < group; ++p, out += out_plane)
        for (int y = 0; y < layer.out.h; ++y)
          std::memcpy(out + y * layer.out.w, wide[p] + static_cast<size_t>(y) * stride, layer.out.w * sizeof(float));
    }
  }
}

// Each output plane's delta is spread into a zero-padded wide plane; from it
// come the bias and weight gradients (correlation with the input) and the
// input's delta (correlation with the flipped kernel, input planes in groups).
void FastNetwork::conv_backward(const Layer& layer, const float* params, const float* in, float* din, size_t n,
                                float* grad) {
  const int k = layer.spec.kernel, cin = layer.in.c, cout = layer.out.c;
  const int stride = layer.in.w, length = (layer.out.h - 1) * stride + layer.out.w;
  const size_t taps = static_cast<size_t>(k) * k, plane = static_cast<size_t>(layer.in.h) * stride;
  const size_t pad = static_cast<size_t>(k - 1) * (stride + 1);
  const float* weights = params + layer.weights;
  float* dweights = grad + layer.weights;
  float* dbias = dweights + taps * cin * cout;
  for (size_t f = 0; f < taps * cin * cout; f += taps) std::reverse_copy(weights + f, weights + f + taps, &flipped_[f]);
  std::fill(padded_delta_.begin(), padded_delta_.begin() + pad + plane, 0.0f);  // junk columns stay 0
  float* delta = padded_delta_.data() + pad;
  const float* dout = deltas_[&layer - layers_.data()].data();
  float* dplanes[kMaxPlanes];
  const float* kernel[kMaxPlanes];
  for (size_t s = 0; s < n; ++s) {
    const float* image = in + s * layer.in.size();
    float* dimage = din == nullptr ? nullptr : din + s * layer.in.size();
    if (dimage != nullptr) std::fill(dimage, dimage + layer.in.size(), 0.0f);
    for (int o = 0; o < cout; ++o, dout += static_cast<size_t>(layer.out.h) * layer.out.w) {
      for (int y = 0; y < layer.out.h; ++y)
        std::memcpy(delta + static_cast<size_t>(y) * stride, dout + y * layer.out.w, layer.out.w * sizeof(float));
      dbias[o] += sum(delta, length);
      for (int c = 0; c < cin; ++c)
        correlate_weight_gradient(k, dweights + (static_cast<size_t>(o) * cin + c) * taps, delta, image + c * plane,
                                  stride, length);
      if (dimage == nullptr) continue;
      for (int c0 = 0, group = 0; c0 < cin; c0 += group) {
        group = plane_group(cin, c0);
        for (int p = 0; p < group; ++p) {
          dplanes[p] = dimage + (c0 + p) * plane;
          kernel[p] = &flipped_[(static_cast<size_t>(o) * cin + c0 + p) * taps];
        }
        correlate_accumulate_planes(k, group, dplanes, padded_delta_.data(), kernel, stride, static_cast<int>(plane));
      }
    }
  }
}

// Where a max-pool follows (with or without a ReLU between), each output
// plane's delta is nonzero only at the pool's argmax: there it is the pool's
// own delta (times the ReLU's 0/1 slope), and the gradients are sums over
// those few positions (kernels.h: sparse_conv_gradient). The dense deltas of
// the layers between are never formed.
void FastNetwork::sparse_conv_backward(size_t l, size_t pool, const float* params, const float* in, float* din,
                                       size_t n, float* grad) {
  const Layer& layer = layers_[l];
  const int k = layer.spec.kernel, cin = layer.in.c, cout = layer.out.c;
  const size_t taps = static_cast<size_t>(k) * k, in_plane = static_cast<size_t>(layer.in.h) * layer.in.w;
  const size_t out_plane = static_cast<size_t>(layer.out.h) * layer.out.w;
  const size_t entries = layers_[pool].out.size() / layers_[pool].out.c;
  const float* weights = params + layer.weights;
  float* dweights = grad + layer.weights;
  float* dbias = dweights + taps * cin * cout;
  const bool in_has_slack = l > 0;  // activations have slack; the caller's images do not
  const int32_t* argmax = argmax_[pool].data();
  const float* pool_delta = deltas_[pool].data();
  const float* relu_out = pool == l + 2 ? activations_[l + 1].data() : nullptr;  // a ReLU between
  if (din != nullptr) std::fill(din, din + n * layer.in.size(), 0.0f);
  for (size_t s = 0; s < n; ++s)
    for (int o = 0; o < cout; ++o, argmax += entries, pool_delta += entries) {
      // "+ 0.0f" turns -0 into +0, as the dense path's 0 + delta did.
      if (relu_out == nullptr) {
        for (size_t e = 0; e < entries; ++e) sparse_delta_[e] = pool_delta[e] + 0.0f;
      } else {
        for (size_t e = 0; e < entries; ++e) sparse_delta_[e] = relu_out[argmax[e]] > 0 ? pool_delta[e] + 0.0f : 0.0f;
        relu_out += out_plane;
      }
      dbias[o] += sum(sparse_delta_.data(), entries);
      const size_t filter = static_cast<size_t>(o) * cin * taps;
      sparse_conv_gradient(k, cin, in + s * layer.in.size(), din == nullptr ? nullptr : din + s * layer.in.size(),
                           layer.in.w, in_plane, in_has_slack, weights + filter, dweights + filter, argmax,
                           sparse_delta_.data(), static_cast<int>(entries), layer.out.w);
    }
}

}  // namespace hsgd::nn
