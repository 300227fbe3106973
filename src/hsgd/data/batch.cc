// batch.cc: uint8 -> normalised float minibatches.
#include "hsgd/data/batch.h"

#include "hsgd/common/cpu_dispatch.h"
#include "hsgd/common/error.h"

namespace hsgd {
namespace {

// restrict: a uint8 source may alias anything, and the compiler would not
// vectorise the conversion without knowing it does not.
HSGD_HOT void convert_plane(const uint8_t* __restrict src, float* __restrict dst, size_t count, float scale,
                            float shift) {
  for (size_t p = 0; p < count; ++p) dst[p] = static_cast<float>(src[p]) * scale + shift;
}

}  // namespace

void fill_batch(const ImageSet& set, const Normalization& norm, const size_t* indices, size_t count,
                Batch& out) {
  const ImageShape& shape = set.shape;
  HSGD_CHECK(norm.mean.size() == static_cast<size_t>(shape.channels), "normalisation has ",
             norm.mean.size(), " channels, images have ", shape.channels);
  const size_t plane = static_cast<size_t>(shape.height) * shape.width;
  out.shape = shape;
  out.images.resize(count * shape.pixels());
  out.labels.resize(count);
  float* dst = out.images.data();
  for (size_t k = 0; k < count; ++k) {
    const uint8_t* src = set.image(indices[k]);
    for (int c = 0; c < shape.channels; ++c) {
      // x/255 - mean, divided by std, folded into one multiply-add per pixel.
      const float scale = 1.0f / (255.0f * norm.stddev[c]);
      const float shift = -norm.mean[c] / norm.stddev[c];
      convert_plane(src, dst, plane, scale, shift);
      src += plane;
      dst += plane;
    }
    out.labels[k] = set.labels[indices[k]];
  }
}

}  // namespace hsgd
