// kernels.cc: see kernels.h. Reductions are written with explicit 8-float
// vectors and a fixed summation order, so no fast-math flag is needed and NaN
// and Inf propagate (the divergence check relies on it).
#include "hsgd/nn/kernels.h"

#include "hsgd/common/cpu_dispatch.h"
#include "hsgd/common/error.h"
#include "hsgd/common/finite.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace hsgd::nn {
namespace {

// Eight floats, loaded and stored unaligned; one AVX register in the AVX2
// clone, two SSE registers in the baseline one.
typedef float v8 __attribute__((vector_size(32)));
HSGD_INLINE v8 load8(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
HSGD_INLINE void store8(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }
HSGD_INLINE float horizontal_sum(v8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// K (kernel) and P (output planes) known at compile time: the tap loops
// unroll, each input vector is loaded once for the P planes.
template <int K, int P>
HSGD_INLINE void correlate_planes_fixed(float* const* out, const float* in, const float* const* w, int stride,
                                        int length) {
  v8 taps[K * K][P];  // each weight broadcast once, read by the FMAs straight from cache
  for (int t = 0; t < K * K; ++t)
    for (int p = 0; p < P; ++p) taps[t][p] = w[p][t] - v8{};
  int i = 0;
  for (; i + 16 <= length; i += 16) {  // two vectors: each weight load feeds two FMAs
    v8 acc[2][P];
    for (int p = 0; p < P; ++p) {
      acc[0][p] = load8(out[p] + i);
      acc[1][p] = load8(out[p] + i + 8);
    }
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        const v8 x0 = load8(in + i + ky * stride + kx), x1 = load8(in + i + 8 + ky * stride + kx);
        for (int p = 0; p < P; ++p) {
          acc[0][p] += taps[ky * K + kx][p] * x0;
          acc[1][p] += taps[ky * K + kx][p] * x1;
        }
      }
    for (int p = 0; p < P; ++p) {
      store8(out[p] + i, acc[0][p]);
      store8(out[p] + i + 8, acc[1][p]);
    }
  }
  for (; i + 8 <= length; i += 8) {
    v8 acc[P];
    for (int p = 0; p < P; ++p) acc[p] = load8(out[p] + i);
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        const v8 x = load8(in + i + ky * stride + kx);
        for (int p = 0; p < P; ++p) acc[p] += taps[ky * K + kx][p] * x;
      }
    for (int p = 0; p < P; ++p) store8(out[p] + i, acc[p]);
  }
  for (; i < length; ++i)
    for (int p = 0; p < P; ++p) {
      float acc = out[p][i];
      for (int t = 0; t < K * K; ++t) acc += w[p][t] * in[i + t / K * stride + t % K];
      out[p][i] = acc;
    }
}

template <int K>
HSGD_INLINE void correlate_planes_k(int planes, float* const* out, const float* in, const float* const* w, int stride,
                                    int length) {
  switch (planes) {
    case 1: return correlate_planes_fixed<K, 1>(out, in, w, stride, length);
    case 2: return correlate_planes_fixed<K, 2>(out, in, w, stride, length);
    case 3: return correlate_planes_fixed<K, 3>(out, in, w, stride, length);
    case 4: return correlate_planes_fixed<K, 4>(out, in, w, stride, length);
    case 5: return correlate_planes_fixed<K, 5>(out, in, w, stride, length);
    default: return correlate_planes_fixed<K, 6>(out, in, w, stride, length);
  }
}

HSGD_INLINE void correlate_any(int k, float* __restrict out, const float* __restrict in, const float* __restrict w, int stride,
                   int length) {
  for (int ky = 0; ky < k; ++ky)
    for (int kx = 0; kx < k; ++kx) {
      const float t = w[ky * k + kx];
      const float* src = in + ky * stride + kx;
      for (int i = 0; i < length; ++i) out[i] += t * src[i];
    }
}

template <int K>
HSGD_INLINE void weight_gradient_fixed(float* dw, const float* d, const float* in, int stride, int length) {
  for (int ky = 0; ky < K; ++ky) {
    const float* row = in + ky * stride;
    v8 acc[K] = {};
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      const v8 di = load8(d + i);
      for (int kx = 0; kx < K; ++kx) acc[kx] += di * load8(row + i + kx);
    }
    for (int kx = 0; kx < K; ++kx) {
      float total = horizontal_sum(acc[kx]);
      for (int j = i; j < length; ++j) total += d[j] * row[j + kx];
      dw[ky * K + kx] += total;
    }
  }
}

HSGD_INLINE float dot(const float* a, const float* b, int n) {
  v8 acc = {};
  int i = 0;
  for (; i + 8 <= n; i += 8) acc += load8(a + i) * load8(b + i);
  float s = horizontal_sum(acc);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

HSGD_HOT void correlate_accumulate_planes(int k, int planes, float* const* out, const float* in,
                                          const float* const* w, int stride, int length) {
  switch (k) {
    case 3: return correlate_planes_k<3>(planes, out, in, w, stride, length);
    case 5: return correlate_planes_k<5>(planes, out, in, w, stride, length);
    default:
      for (int p = 0; p < planes; ++p) correlate_any(k, out[p], in, w[p], stride, length);
  }
}

HSGD_HOT float sum(const float* x, size_t count) {
  v8 acc = {};
  size_t i = 0;
  for (; i + 8 <= count; i += 8) acc += load8(x + i);
  float s = horizontal_sum(acc);
  for (; i < count; ++i) s += x[i];
  return s;
}

HSGD_HOT void correlate_weight_gradient(int k, float* dw, const float* d, const float* in, int stride, int length) {
  switch (k) {
    case 3: return weight_gradient_fixed<3>(dw, d, in, stride, length);
    case 5: return weight_gradient_fixed<5>(dw, d, in, stride, length);
    default:
      for (int ky = 0; ky < k; ++ky)
        for (int kx = 0; kx < k; ++kx) dw[ky * k + kx] += dot(d, in + ky * stride + kx, length);
  }
}

namespace {

// K known at compile time, so that the K row accumulators live in registers.
// The weight gradient goes channel by channel (accumulators in registers);
// the input's delta entry by entry, so that consecutive read-modify-writes
// touch different planes (neighbouring windows' patches overlap, and a load
// of a row just stored at another offset would stall on store forwarding).
template <int K>
HSGD_INLINE void sparse_conv_fixed(int channels, const float* in, float* din, int in_w, size_t plane_size,
                                   bool in_slack_ok, const float* w, float* dw, const int32_t* at, const float* g,
                                   int count, int out_w) {
  thread_local std::vector<size_t> offsets;  // each entry's patch in an input plane: one division per entry
  offsets.resize(static_cast<size_t>(count));
  for (int e = 0; e < count; ++e) offsets[e] = static_cast<size_t>(at[e] / out_w) * in_w + at[e] % out_w;
  for (int c = 0; c < channels; ++c) {
    const float* plane = in + c * plane_size;
    const bool whole_rows = in_slack_ok || c + 1 < channels;  // may the last row read 8 floats?
    v8 acc[K] = {};
    for (int e = 0; e < count; ++e) {
      const float ge = g[e];
      if (ge == 0.0f) continue;
      const float* patch = plane + offsets[e];
      for (int ky = 0; ky + 1 < K; ++ky) acc[ky] += ge * load8(patch + static_cast<size_t>(ky) * in_w);
      const float* last = patch + static_cast<size_t>(K - 1) * in_w;
      if (whole_rows) {
        acc[K - 1] += ge * load8(last);
      } else {
        for (int kx = 0; kx < K; ++kx) acc[K - 1][kx] += ge * last[kx];
      }
    }
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) dw[c * K * K + ky * K + kx] += acc[ky][kx];
  }
  if (din == nullptr) return;
  // [c][ky]: the kernel's rows as 8 floats, zero past column K (floats, not
  // v8: a std::vector of a vector type is not reliably 32-byte aligned)
  thread_local std::vector<float> kernel_rows;
  kernel_rows.assign(static_cast<size_t>(channels) * K * 8, 0.0f);
  for (int c = 0; c < channels; ++c)
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) kernel_rows[(c * K + ky) * 8 + kx] = w[(c * K + ky) * K + kx];
  for (int e = 0; e < count; ++e) {
    const float ge = g[e];
    if (ge == 0.0f) continue;
    for (int c = 0; c < channels; ++c) {
      float* dpatch = din + c * plane_size + offsets[e];
      for (int ky = 0; ky < K; ++ky) {
        float* drow = dpatch + static_cast<size_t>(ky) * in_w;
        store8(drow, load8(drow) + ge * load8(&kernel_rows[(c * K + ky) * 8]));  // lanes past K add 0
      }
    }
  }
}

}  // namespace

HSGD_HOT void sparse_conv_gradient(int k, int channels, const float* in, float* din, int in_w, size_t plane_size,
                                   bool in_slack_ok, const float* w, float* dw, const int32_t* at, const float* g,
                                   int count, int out_w) {
  switch (k) {
#define HSGD_SPARSE_CASE(K)                                                                                      \
  case K:                                                                                                        \
    return sparse_conv_fixed<K>(channels, in, din, in_w, plane_size, in_slack_ok, w, dw, at, g, count, out_w);
    HSGD_SPARSE_CASE(1)
    HSGD_SPARSE_CASE(2)
    HSGD_SPARSE_CASE(3)
    HSGD_SPARSE_CASE(4)
    HSGD_SPARSE_CASE(5)
    HSGD_SPARSE_CASE(6)
    HSGD_SPARSE_CASE(7)
    HSGD_SPARSE_CASE(8)
#undef HSGD_SPARSE_CASE
    default:
      HSGD_CHECK(false, "sparse convolution gradient with kernel ", k);
  }
}

HSGD_HOT void relu_forward(const float* x, float* y, size_t count) {
  for (size_t i = 0; i < count; ++i) y[i] = x[i] > 0 ? x[i] : (x[i] == x[i] ? 0.0f : x[i]);  // NaN stays NaN
}

HSGD_HOT void relu_backward(const float* y, const float* dy, float* dx, size_t count) {
  for (size_t i = 0; i < count; ++i) dx[i] = y[i] > 0 ? dy[i] : 0.0f;
}

namespace {

// m = max(m, v), where a NaN in v wins (so that NaN propagates as in LibTorch).
HSGD_INLINE float max_keep_nan(float m, float v) { return (v > m || v != v) ? v : m; }

HSGD_INLINE uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// One row of windows: the column maxima of its k input rows (vectorised, in
// chunks of 64 columns), then each window's maximum of its k columns, then
// its argmax: the first element equal to the maximum, by a scan from the last
// element back. With kFinite (no NaN in the planes) every step is a plain
// max or an integer compare, which compile without branches; otherwise NaN
// must win, as in LibTorch, and the comparisons branch.
// With kFinite, returns nonzero if a value read was NaN or Inf (the row must
// then be redone without kFinite); else 0.
template <int K, bool kFinite>
HSGD_INLINE uint32_t max_pool_row(const float* rows, float* y, int32_t* argmax, int w, int ow, int k,
                                  int row_offset) {
  const int kk = K > 0 ? K : k;
  constexpr int kChunk = 64;
  float column_max[kChunk];
  uint32_t non_finite = 0;
  for (int x0 = 0; x0 < ow * kk; x0 += kChunk) {
    const int width = std::min(kChunk, ow * kk - x0);  // a multiple of kk: kChunk is not, so chunks stop early
    const int used = width - width % kk;
    for (int x = 0; x < used; ++x) {
      float m = rows[x0 + x];
      if (kFinite) non_finite |= non_finite_bit(m);
      for (int ky = 1; ky < kk; ++ky) {
        const float v = rows[static_cast<size_t>(ky) * w + x0 + x];
        if (kFinite) non_finite |= non_finite_bit(v);
        m = kFinite ? (v > m ? v : m) : max_keep_nan(m, v);
      }
      column_max[x] = m;
    }
    for (int c = 0; c < used; c += kk) {
      float top = column_max[c];
      for (int kx = 1; kx < kk; ++kx) {
        const float v = column_max[c + kx];
        top = kFinite ? (v > top ? v : top) : max_keep_nan(top, v);
      }
      *y++ = top;
      if (argmax == nullptr) continue;  // evaluation: the maximum is enough
      int best = row_offset + x0 + c;
      if (kFinite && kk * kk <= 32) {
        // The maximum is one of the window's elements: mark every element
        // with its bits, and the lowest mark is the first in row-major order.
        const uint32_t top_bits = bits_of(top);
        uint32_t marks = 0;
        for (int ky = 0; ky < kk; ++ky)
          for (int kx = 0; kx < kk; ++kx)
            marks |= static_cast<uint32_t>(bits_of(rows[ky * w + x0 + c + kx]) == top_bits) << (ky * kk + kx);
        const int first = __builtin_ctz(marks);
        best += first / kk * w + first % kk;
      } else if (top != top) {  // NaN: the last NaN in row-major order, as LibTorch's loop leaves it
        for (int ky = 0; ky < kk; ++ky)
          for (int kx = 0; kx < kk; ++kx) {
            const int at = ky * w + x0 + c + kx;
            best = rows[at] != rows[at] ? row_offset + at : best;
          }
      } else {
        for (int ky = kk - 1; ky >= 0; --ky)
          for (int kx = kk - 1; kx >= 0; --kx) {
            const int at = ky * w + x0 + c + kx;
            best = rows[at] == top ? row_offset + at : best;
          }
      }
      *argmax++ = best;
    }
    x0 -= width - used;  // resume at the first window not done
  }
  return non_finite;
}

typedef int32_t i8 __attribute__((vector_size(32)));

// Eight windows side by side (finite planes, K x K, their first columns K
// apart), one window per vector lane: the maximum in row-major order (a
// later element wins only if greater, as in LibTorch), then the argmax as
// the first element equal to it, by a scan from the last element back.
// Returns nonzero if a value read was NaN or Inf (the planes must then be
// pooled again by the careful path).
template <int K>
HSGD_INLINE uint32_t max_pool_8_windows(const float* rows, float* y, int32_t* argmax, int w, int first_index) {
  v8 values[K * K];
  for (int ky = 0; ky < K; ++ky)
    for (int kx = 0; kx < K; ++kx) {
      float lanes[8];
      for (int j = 0; j < 8; ++j) lanes[j] = rows[ky * w + kx + j * K];
      values[ky * K + kx] = load8(lanes);
    }
  i8 non_finite = i8{};
  for (int t = 0; t < K * K; ++t) {
    i8 bits;
    std::memcpy(&bits, &values[t], sizeof bits);
    non_finite |= (bits & 0x7f800000) == 0x7f800000;
  }
  const uint32_t any = static_cast<uint32_t>((non_finite[0] | non_finite[1]) | (non_finite[2] | non_finite[3]) |
                                             (non_finite[4] | non_finite[5]) | (non_finite[6] | non_finite[7]));
  v8 top = values[0];
  for (int t = 1; t < K * K; ++t) top = values[t] > top ? values[t] : top;
  store8(y, top);
  if (argmax == nullptr) return any;
  i8 best = i8{} + (K - 1) * w + (K - 1);
  for (int t = K * K - 2; t >= 0; --t) best = values[t] == top ? i8{} + (t / K * w + t % K) : best;
  best += first_index + i8{0, K, 2 * K, 3 * K, 4 * K, 5 * K, 6 * K, 7 * K};
  std::memcpy(argmax, &best, sizeof best);
  return any;
}

// A row of windows of finite planes, 8 at a time; a last group that would
// pass the end starts earlier instead (windows done twice give the same
// result), and rows of fewer than 8 windows go through max_pool_row.
template <int K>
HSGD_INLINE uint32_t max_pool_row_vector(const float* rows, float* y, int32_t* argmax, int w, int ow,
                                         int row_offset) {
  if (ow < 8) return max_pool_row<K, true>(rows, y, argmax, w, ow, K, row_offset);
  uint32_t non_finite = 0;
  for (int j = 0;; j += 8) {
    j = std::min(j, ow - 8);
    non_finite |=
        max_pool_8_windows<K>(rows + j * K, y + j, argmax == nullptr ? nullptr : argmax + j, w, row_offset + j * K);
    if (j == ow - 8) return non_finite;
  }
}

// With kFinite, returns nonzero if a value read was NaN or Inf.
template <bool kFinite>
HSGD_INLINE uint32_t max_pool_planes(const float* x, float* y, int32_t* argmax, int planes, int h, int w, int k) {
  const int oh = h / k, ow = w / k;
  uint32_t non_finite = 0;
  for (int p = 0; p < planes; ++p, x += static_cast<size_t>(h) * w)
    for (int oy = 0; oy < oh; ++oy, y += ow, argmax += argmax == nullptr ? 0 : ow) {
      const int offset = oy * k * w;
      if (kFinite && k == 2) {
        non_finite |= max_pool_row_vector<2>(x + offset, y, argmax, w, ow, offset);
      } else if (kFinite && k == 3) {
        non_finite |= max_pool_row_vector<3>(x + offset, y, argmax, w, ow, offset);
      } else {
        switch (k) {
          case 2: non_finite |= max_pool_row<2, kFinite>(x + offset, y, argmax, w, ow, k, offset); break;
          case 3: non_finite |= max_pool_row<3, kFinite>(x + offset, y, argmax, w, ow, k, offset); break;
          default: non_finite |= max_pool_row<0, kFinite>(x + offset, y, argmax, w, ow, k, offset);
        }
      }
    }
  return non_finite;
}

}  // namespace

// The fast pass assumes finite values and notes any NaN or Inf it reads; only
// then are the planes pooled again, with NaN winning as in LibTorch.
HSGD_HOT void max_pool_forward(const float* x, float* y, int32_t* argmax, int planes, int h, int w, int k) {
  if (max_pool_planes<true>(x, y, argmax, planes, h, w, k) != 0) max_pool_planes<false>(x, y, argmax, planes, h, w, k);
}

void max_pool_backward(const float* dy, const int32_t* argmax, float* dx, int planes, int h, int w, int k) {
  const size_t plane = static_cast<size_t>(h) * w, pooled = static_cast<size_t>(h / k) * (w / k);
  std::fill(dx, dx + plane * planes, 0.0f);
  for (int p = 0; p < planes; ++p, dx += plane)
    for (size_t j = 0; j < pooled; ++j) dx[*argmax++] += *dy++;
}

double softmax_cross_entropy(const float* logits, const int64_t* labels, int n, int classes, float* dlogits,
                             size_t* correct) {
  thread_local std::vector<float> exps;  // exp(logit - max) of one row, computed once
  exps.resize(static_cast<size_t>(classes));
  double loss = 0;
  for (int s = 0; s < n; ++s, logits += classes) {
    const int best = static_cast<int>(std::max_element(logits, logits + classes) - logits);
    const float top = logits[best];
    double sum = 0;
    for (int c = 0; c < classes; ++c) {
      exps[c] = std::exp(logits[c] - top);
      sum += exps[c];
    }
    const int64_t label = labels[s];
    loss += std::log(sum) - static_cast<double>(logits[label] - top);
    if (correct != nullptr && best == label) ++*correct;
    if (dlogits == nullptr) continue;
    const double scale = 1.0 / (sum * n);
    for (int c = 0; c < classes; ++c) *dlogits++ = static_cast<float>(exps[c] * scale - (c == label ? 1.0 / n : 0.0));
  }
  return loss;
}

}  // namespace hsgd::nn
