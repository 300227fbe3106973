// gemm.cc: see gemm.h.
#include "hsgd/nn/gemm.h"

#include <cblas.h>

#include <cstring>

#include "hsgd/common/cpu_dispatch.h"

namespace hsgd::nn {

void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

void im2col(const float* image, size_t plane_stride, int c, int h, int w, int k, float* col, size_t row_stride) {
  const int oh = h - k + 1, ow = w - k + 1;
  for (int ch = 0; ch < c; ++ch, image += plane_stride)
    for (int ky = 0; ky < k; ++ky)
      for (int kx = 0; kx < k; ++kx, col += row_stride)
        for (int y = 0; y < oh; ++y)
          std::memcpy(col + static_cast<size_t>(y) * ow, image + static_cast<size_t>(y + ky) * w + kx,
                      ow * sizeof(float));
}

namespace {

HSGD_INLINE void add_row(float* __restrict to, const float* __restrict from, int count) {
  for (int x = 0; x < count; ++x) to[x] += from[x];
}

}  // namespace

HSGD_HOT void col2im_add(const float* col, size_t row_stride, int c, int h, int w, int k, float* image,
                         size_t plane_stride) {
  const int oh = h - k + 1, ow = w - k + 1;
  for (int ch = 0; ch < c; ++ch, image += plane_stride)
    for (int ky = 0; ky < k; ++ky)
      for (int kx = 0; kx < k; ++kx, col += row_stride)
        for (int y = 0; y < oh; ++y)
          add_row(image + static_cast<size_t>(y + ky) * w + kx, col + static_cast<size_t>(y) * ow, ow);
}

}  // namespace hsgd::nn
