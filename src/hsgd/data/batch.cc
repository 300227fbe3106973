// batch.cc: uint8 or float32 samples -> normalised float minibatches.
#include "hsgd/data/batch.h"

#include "hsgd/common/cpu_dispatch.h"
#include "hsgd/common/error.h"

namespace hsgd {
namespace {

// restrict: a uint8 source may alias anything, and the compiler would not
// vectorise the conversion without knowing it does not. Two functions, not a
// template: each gets its own target clones.
HSGD_HOT void convert_plane(const uint8_t* __restrict src, float* __restrict dst, size_t count, float scale,
                            float shift) {
  for (size_t p = 0; p < count; ++p) dst[p] = static_cast<float>(src[p]) * scale + shift;
}

// For a float set's identity normalisation (scale 1, shift -0) the result is
// x exactly, with or without a fused multiply-add.
HSGD_HOT void convert_plane(const float* __restrict src, float* __restrict dst, size_t count, float scale,
                            float shift) {
  for (size_t p = 0; p < count; ++p) dst[p] = src[p] * scale + shift;
}

// `unit` is 255 for bytes (x/255 - mean, divided by std, folded into one
// multiply-add per value) and 1 for floats.
template <typename T>
void fill_samples(const T* data, const ImageShape& shape, const Normalization& norm, float unit, const size_t* indices,
                  size_t count, float* dst) {
  const size_t plane = static_cast<size_t>(shape.height) * shape.width, per_sample = shape.pixels();
  for (size_t k = 0; k < count; ++k) {
    const T* src = data + indices[k] * per_sample;
    for (int c = 0; c < shape.channels; ++c) {
      const float scale = 1.0f / (unit * norm.stddev[c]);
      const float shift = -norm.mean[c] / norm.stddev[c];
      convert_plane(src, dst, plane, scale, shift);
      src += plane;
      dst += plane;
    }
  }
}

}  // namespace

void fill_batch(const ImageSet& set, const Normalization& norm, const size_t* indices, size_t count,
                Batch& out) {
  const ImageShape& shape = set.shape;
  HSGD_CHECK(norm.mean.size() == static_cast<size_t>(shape.channels), "normalisation has ",
             norm.mean.size(), " channels, images have ", shape.channels);
  out.shape = shape;
  out.images.resize(count * shape.pixels());
  out.labels.resize(count);
  if (set.type == SampleType::kFloat32)
    fill_samples(set.values.data(), shape, norm, 1.0f, indices, count, out.images.data());
  else
    fill_samples(set.pixels.data(), shape, norm, 255.0f, indices, count, out.images.data());
  for (size_t k = 0; k < count; ++k) out.labels[k] = set.labels[indices[k]];
}

}  // namespace hsgd
