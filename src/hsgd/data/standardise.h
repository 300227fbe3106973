// standardise.h: float data (CSV tables, float32 IDX images) is standardised
// once, when it is loaded, and kept as float32; the batch then copies it as
// it is (image_set.h: such a set's normalisation is the identity).
//
// The values of a sample fall into `groups` equal contiguous blocks: an
// image's channels (C blocks of H x W values), or a table's features (F
// blocks of 1). Over the train set, per group, in double precision and in the
// order the values are stored (sample by sample, then within the block):
//   mean = (x1 + x2 + ... + xn) / n
//   sd   = sqrt(((x1 - mean)^2 + ... + (xn - mean)^2) / n)
// and each value x of the train and test sets becomes the float32 nearest to
//   (x - mean) / sd          (x - mean when sd is 0: a constant group)
// computed in double: one rounding, the same on every machine. Tests redo
// this computation and compare bit for bit (csv_reader_test.cc, python/tests).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

struct FeatureStatistics {
  std::vector<double> mean, sd;  // one per group
  size_t groups() const { return mean.size(); }
};

// The statistics of a float32 set's values in `groups` groups (see above).
FeatureStatistics feature_statistics(const ImageSet& train, size_t groups);

// Replaces each value of a float32 set by its standardised value (see above).
// A value whose standardised value is beyond a float32 (a test value far
// outside a train group of tiny spread) is a DataError naming `where`, the
// sample (from 0) and the value's position in it.
void standardise(ImageSet& set, const FeatureStatistics& stats, const std::string& where);

// Standardises a data set's float32 train and test sets per channel with the
// train set's statistics and gives it the identity normalisation; adds a note.
// `train_where`, `test_where` name the sets in messages.
void standardise_channels(Dataset& ds, const std::string& train_where, const std::string& test_where);

}  // namespace hsgd
