// gemm.h: matrix products (row-major, single precision) through the BLAS that
// LibTorch also uses (OpenBLAS, libopenblas0-openmp), and the im2col/col2im
// rearrangements that turn a convolution into one. Used by the fast path's
// large layers, where a tuned matrix product beats the direct kernels of
// kernels.h. OpenBLAS runs as many OpenMP threads as the calling thread's
// count (set_compute_threads); a product's result depends only on its shape
// and that count, never on the run.
#pragma once

#include <cstddef>

namespace hsgd::nn {

// C (m x n, row stride ldc) = beta C + op(A) op(B), op(A) m x k and op(B)
// k x n; a transposed operand is read as the transpose of the row-major
// matrix at the pointer, with its own row stride.
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float beta, float* c, int ldc);

// One image (c planes of h x w, `plane_stride` floats apart) into the
// columns of a (c*k*k) x (oh*ow) block whose rows are `row_stride` floats
// apart: row (ch*k + ky)*k + kx, column y*ow + x holds in[ch][y + ky][x + kx]
// (valid convolution, stride 1).
void im2col(const float* image, size_t plane_stride, int c, int h, int w, int k, float* col, size_t row_stride);

// The adjoint of im2col: adds every column entry back to the pixel it came
// from (the image's input gradient).
void col2im_add(const float* col, size_t row_stride, int c, int h, int w, int k, float* image, size_t plane_stride);

}  // namespace hsgd::nn
