// batch.h: a minibatch as the floats the model sees, built from a set's
// uint8 images or float32 values.
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

// Fills `out` with the samples at indices[0..count): a uint8 value b as
// (b/255 - mean[c]) / std[c], a float32 value x as (x - mean[c]) / std[c]
// (exactly x under a float set's identity normalisation). The sample type is
// looked at once per batch. Reuses out's storage: no allocation once it has
// grown to the batch size.
void fill_batch(const ImageSet& set, const Normalization& norm, const size_t* indices, size_t count,
                Batch& out);

}  // namespace hsgd
