// batch.h: a minibatch as normalised floats, built from uint8 images.
#pragma once

#include <cstdint>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

struct Batch {
  ImageShape shape;
  std::vector<float> images;    // size x channels x height x width, normalised
  std::vector<int64_t> labels;  // size
  size_t size() const { return labels.size(); }
};

// Fills `out` with the images at indices[0..count) as (x/255 - mean[c]) / std[c].
// Reuses out's storage: no allocation once it has grown to the batch size.
void fill_batch(const ImageSet& set, const Normalization& norm, const size_t* indices, size_t count,
                Batch& out);

}  // namespace hsgd
