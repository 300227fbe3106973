// fast_network_gemm.cc: FastNetwork's layers that are matrix products
// (gemm.h): linear layers, and the large convolutions. A convolution over
// the whole batch is one product with the batch's im2col block, (c*k*k) x (n*oh*ow): forward W x col, weight
// gradient dOut x col^T, input gradient W^T x dOut scattered back by col2im.
// Its output is channel-major (c x n x oh x ow: the product's own layout),
// and so are the ReLU and max-pool after it; a linear layer reading such an
// activation transposes it to one row per sample first. A linear layer is
// x W^T forward, dy^T x into the weight gradient, dy W into the input's.
#include <algorithm>

#include "hsgd/nn/fast_network.h"
#include "hsgd/nn/gemm.h"
#include "hsgd/nn/kernels.h"

namespace hsgd::nn {
namespace {

// Plane (sample s, channel c) of an activation of n samples x `channels`
// planes of `plane` floats, in either layout.
size_t plane_offset(bool channel_major, size_t s, int c, size_t n, int channels, size_t plane) {
  return (channel_major ? c * n + s : s * channels + c) * plane;
}

// Between the two layouts of n samples x `channels` planes: channel-major
// (c x n) to sample-major (n x c), or back.
void copy_planes(const float* from, float* to, size_t n, int channels, size_t plane, bool to_sample_major) {
  for (int c = 0; c < channels; ++c)
    for (size_t s = 0; s < n; ++s) {
      const size_t channel_major = (c * n + s) * plane, sample_major = (s * channels + c) * plane;
      const float* source = from + (to_sample_major ? channel_major : sample_major);
      std::copy(source, source + plane, to + (to_sample_major ? sample_major : channel_major));
    }
}

}  // namespace

void FastNetwork::conv_forward_gemm(size_t l, const float* params, const float* in, float* out, size_t n) {
  const Layer& layer = layers_[l];
  const int k = layer.spec.kernel, cin = layer.in.c, cout = layer.out.c;
  const int taps = cin * k * k;
  const size_t in_plane = static_cast<size_t>(layer.in.h) * layer.in.w;
  const size_t out_plane = static_cast<size_t>(layer.out.h) * layer.out.w, columns = n * out_plane;
  const size_t plane_stride = layer.in_channel_major ? n * in_plane : in_plane;
  float* col = columns_[l].data();
  for (size_t s = 0; s < n; ++s)
    im2col(in + plane_offset(layer.in_channel_major, s, 0, n, cin, in_plane), plane_stride, cin, layer.in.h,
           layer.in.w, k, col + s * out_plane, columns);
  const float* weights = params + layer.weights;
  const float* bias = weights + static_cast<size_t>(taps) * cout;
  for (int o = 0; o < cout; ++o) std::fill(out + o * columns, out + (o + 1) * columns, bias[o]);
  gemm(false, false, cout, static_cast<int>(columns), taps, weights, taps, col, static_cast<int>(columns), 1.0f, out,
       static_cast<int>(columns));
}

void FastNetwork::conv_backward_gemm(size_t l, const float* params, float* din, size_t n, float* grad) {
  const Layer& layer = layers_[l];
  const int k = layer.spec.kernel, cin = layer.in.c, cout = layer.out.c;
  const int taps = cin * k * k;
  const size_t in_plane = static_cast<size_t>(layer.in.h) * layer.in.w;
  const size_t columns = n * layer.out.h * layer.out.w;
  float* dweights = grad + layer.weights;
  float* dbias = dweights + static_cast<size_t>(taps) * cout;
  const float* delta = deltas_[l].data();  // channel-major: cout rows of `columns`
  for (int o = 0; o < cout; ++o) dbias[o] += sum(delta + o * columns, columns);
  gemm(false, true, cout, taps, static_cast<int>(columns), delta, static_cast<int>(columns), columns_[l].data(),
       static_cast<int>(columns), 1.0f, dweights, taps);
  if (din == nullptr) return;
  float* dcol = delta_columns_.data();
  gemm(true, false, taps, static_cast<int>(columns), cout, params + layer.weights, taps, delta,
       static_cast<int>(columns), 0.0f, dcol, static_cast<int>(columns));
  std::fill(din, din + n * layer.in.size(), 0.0f);
  const size_t plane_stride = layer.in_channel_major ? n * in_plane : in_plane;
  for (size_t s = 0; s < n; ++s)
    col2im_add(dcol + s * layer.out.h * layer.out.w, columns, cin, layer.in.h, layer.in.w, k,
               din + plane_offset(layer.in_channel_major, s, 0, n, cin, in_plane), plane_stride);
}

const float* FastNetwork::sample_major_input(size_t l, const float* in, size_t n) {
  const Layer& layer = layers_[l];
  if (!layer.in_channel_major) return in;
  float* rows = sample_major_[l].data();
  copy_planes(in, rows, n, layer.in.c, static_cast<size_t>(layer.in.h) * layer.in.w, /*to_sample_major=*/true);
  return rows;
}

void FastNetwork::linear_forward(size_t l, const float* params, const float* in, float* out, size_t n) {
  const Layer& layer = layers_[l];
  const int fan_in = layer.spec.in, fan_out = layer.spec.out;
  const float* w = params + layer.weights;
  const float* bias = w + static_cast<size_t>(fan_out) * fan_in;
  for (size_t s = 0; s < n; ++s) std::copy(bias, bias + fan_out, out + s * fan_out);
  gemm(false, true, static_cast<int>(n), fan_out, fan_in, sample_major_input(l, in, n), fan_in, w, fan_in, 1.0f, out,
       fan_out);
}

void FastNetwork::linear_backward(size_t l, const float* params, const float* in, float* din, size_t n,
                                  float* grad) {
  const Layer& layer = layers_[l];
  const int fan_in = layer.spec.in, fan_out = layer.spec.out;
  const float* dout = deltas_[l].data();
  float* dw = grad + layer.weights;
  float* dbias = dw + static_cast<size_t>(fan_out) * fan_in;
  const float* x = layer.in_channel_major ? sample_major_[l].data() : in;  // as forward left it
  gemm(true, false, fan_out, fan_in, static_cast<int>(n), dout, fan_out, x, fan_in, 1.0f, dw, fan_in);
  for (size_t s = 0; s < n; ++s)
    for (int o = 0; o < fan_out; ++o) dbias[o] += dout[s * fan_out + o];
  if (din == nullptr) return;
  float* dx = layer.in_channel_major ? sample_major_[l].data() : din;
  gemm(false, false, static_cast<int>(n), fan_in, fan_out, dout, fan_out, params + layer.weights, fan_in, 0.0f, dx,
       fan_in);
  if (layer.in_channel_major)
    copy_planes(dx, din, n, layer.in.c, static_cast<size_t>(layer.in.h) * layer.in.w, /*to_sample_major=*/false);
}

}  // namespace hsgd::nn
