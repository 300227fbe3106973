// standardise.cc: see standardise.h.
#include "hsgd/data/standardise.h"

#include <cmath>
#include <limits>

#include "hsgd/common/error.h"

namespace hsgd {
namespace {

size_t block_of(const ImageSet& set, size_t groups) {
  HSGD_CHECK(set.type == SampleType::kFloat32, "standardising a uint8 set");
  HSGD_CHECK(groups > 0 && set.shape.pixels() % groups == 0, "standardising ", set.shape.to_string(), " in ",
             groups, " groups");
  return set.shape.pixels() / groups;
}

}  // namespace

FeatureStatistics feature_statistics(const ImageSet& train, size_t groups) {
  const size_t block = block_of(train, groups), per_sample = train.shape.pixels();
  FeatureStatistics stats;
  stats.mean.assign(groups, 0.0);
  stats.sd.assign(groups, 0.0);
  const double n = static_cast<double>(train.size() * block);
  for (size_t i = 0; i < train.size(); ++i)
    for (size_t k = 0; k < per_sample; ++k) stats.mean[k / block] += static_cast<double>(train.sample(i)[k]);
  for (double& m : stats.mean) m /= n;
  std::vector<double> squares(groups, 0.0);
  for (size_t i = 0; i < train.size(); ++i)
    for (size_t k = 0; k < per_sample; ++k) {
      const double d = static_cast<double>(train.sample(i)[k]) - stats.mean[k / block];
      squares[k / block] += d * d;
    }
  for (size_t g = 0; g < groups; ++g) stats.sd[g] = std::sqrt(squares[g] / n);
  return stats;
}

void standardise(ImageSet& set, const FeatureStatistics& stats, const std::string& where) {
  const size_t block = block_of(set, stats.groups()), per_sample = set.shape.pixels();
  std::vector<double> divisor(stats.sd);
  for (double& d : divisor)
    if (d == 0) d = 1;
  for (size_t i = 0; i < set.size(); ++i) {
    float* x = set.values.data() + i * per_sample;
    for (size_t k = 0; k < per_sample; ++k) {
      const double z = (static_cast<double>(x[k]) - stats.mean[k / block]) / divisor[k / block];
      if (!(std::fabs(z) <= std::numeric_limits<float>::max()))
        throw DataError(where, "sample " + std::to_string(i) + ", value " + std::to_string(k) + ": " +
                                   std::to_string(x[k]) + " lies " + std::to_string(z) +
                                   " standard deviations from the train set's mean: beyond a float32");
      x[k] = static_cast<float>(z);
    }
  }
}

void standardise_channels(Dataset& ds, const std::string& train_where, const std::string& test_where) {
  const size_t channels = static_cast<size_t>(ds.train.shape.channels);
  const FeatureStatistics stats = feature_statistics(ds.train, channels);
  standardise(ds.train, stats, train_where);
  standardise(ds.test, stats, test_where);
  ds.normalization = identity_normalization(ds.train.shape.channels);
  ds.notes.push_back("float32 values, standardised per channel with the train set's mean and standard deviation "
                     "when loaded (docs/data.md)");
}

}  // namespace hsgd
