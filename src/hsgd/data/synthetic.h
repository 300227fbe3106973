// synthetic.h: the paper's synthetic classification data (§6: "randomly
// generated datasets with 20 dimensions and 10 classes containing 10k samples
// with 80:20 train to test split"), generated from a seed.
//
// Each class k gets a centroid c_k ~ N(0, sep^2 I); a sample of class k is
// c_k + N(0, I). Labels are balanced (i mod classes) and the samples shuffled
// before the split. Features are stored like image pixels, as uint8: x is
// mapped linearly from [-R, R], R = 4 sqrt(1 + sep^2) (4 standard deviations),
// onto 0..255, a resolution of 0.03-0.05 standard deviations; the rare value
// beyond R is clamped. A sample is a 1 x 1 x features "image".
//
// Spec: synthetic[:features=20,classes=10,samples=10000,test=0.2,sep=0.5,seed=1]
#pragma once

#include <cstdint>
#include <string>

#include "hsgd/data/image_set.h"

namespace hsgd {

struct SyntheticSpec {
  int features = 20;
  int classes = 10;
  int samples = 10000;
  double test_fraction = 0.2;
  double separation = 0.5;  // centroid standard deviation, in units of the noise's
  uint64_t seed = 1;
};

// Parses the part after "synthetic:" ("" = all defaults); throws ConfigError
// naming the bad key or value.
SyntheticSpec parse_synthetic_spec(const std::string& options);

Dataset make_synthetic_dataset(const SyntheticSpec& spec);

}  // namespace hsgd
