// kernels.h: the loops of the fast path (nn/fast_network.h), on plain float
// arrays, single-threaded, with no allocation. Each runs in a fixed order, so
// its results are the same bit for bit on every run on one machine; on x86-64
// the hot loops are also compiled for AVX2+FMA and picked at start-up
// (target_clones), so a machine without AVX2 may round differently.
//
// Layouts: images and activations are NCHW and compact; a "wide" plane is a
// convolution's output at the input's row stride (the last kernel-1 columns
// of each row are junk and are never read back), which lets one long
// contiguous loop cover a whole plane.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hsgd::nn {

// Valid correlation with k x k kernels over wide planes, for `planes` (1 to
// kMaxPlanes) output planes at once, each with its own kernel, sharing the
// loads of `in`:
//   out[p][i] += sum_{ky,kx} w[p][ky*k + kx] * in[i + ky*stride + kx],  0 <= i < length.
constexpr int kMaxPlanes = 6;
void correlate_accumulate_planes(int k, int planes, float* const* out, const float* in, const float* const* w,
                                 int stride, int length);

// sum of x[0..count)
float sum(const float* x, size_t count);

// The weight gradient of one plane's correlation:
//   dw[ky*k + kx] += sum_i d[i] * in[i + ky*stride + kx],  0 <= i < length.
void correlate_weight_gradient(int k, float* dw, const float* d, const float* in, int stride, int length);

// Sparse convolution gradients for a plane whose delta is nonzero only at
// `count` positions at[] (indices into the out_w-wide output plane) with
// values g[]: for every input channel c (planes of in_w columns, plane_size
// floats apart) and tap,
//   dw[c][ky][kx] += g * in[c][(y+ky)*in_w + x+kx]           (dw: channels x k x k)
//   din[c][(y+ky)*in_w + x+kx] += g * w[c][ky][kx]            (skipped when din is null)
// k <= 8. Reads and writes up to 7 floats past a patch's last column: `in`
// and `din` need 8 floats of slack after their last plane (in_slack_ok:
// whether `in` has it; else the last row of each patch is done one by one).
constexpr int kMaxSparseKernel = 8;
void sparse_conv_gradient(int k, int channels, const float* in, float* din, int in_w, size_t plane_size,
                          bool in_slack_ok, const float* w, float* dw, const int32_t* at, const float* g, int count,
                          int out_w);

void relu_forward(const float* x, float* y, size_t count);
// dx = y > 0 ? dy : 0, with y the forward output
void relu_backward(const float* y, const float* dy, float* dx, size_t count);

// Max over k x k windows with stride k of `planes` planes of h x w, into
// planes of (h/k) x (w/k); argmax gets each maximum's index in its input
// plane (the first in row-major order on ties, as LibTorch; a NaN maximum
// propagates, its argmax is the window's first element). argmax may be null
// (no gradient will be taken).
void max_pool_forward(const float* x, float* y, int32_t* argmax, int planes, int h, int w, int k);
// dx (planes of h x w) = 0 except dx[argmax] += dy.
void max_pool_backward(const float* dy, const int32_t* argmax, float* dx, int planes, int h, int w, int k);

// Softmax cross-entropy of n rows of `classes` logits. Returns the sum of the
// rows' losses; counts rows whose largest logit (first on ties) is the label in
// *correct; writes d(mean loss)/d(logits) to dlogits unless it is null.
double softmax_cross_entropy(const float* logits, const int64_t* labels, int n, int classes, float* dlogits,
                             size_t* correct);

}  // namespace hsgd::nn
