// synthetic.cc: see synthetic.h.
#include "hsgd/data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"

namespace hsgd {
namespace {

double parse_number(const std::string& key, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v))
    throw ConfigError("--data synthetic: " + key + "=" + value + " is not a number");
  return v;
}

int parse_count(const std::string& key, const std::string& value, int lo, int hi) {
  const double v = parse_number(key, value);
  if (v != std::floor(v) || v < lo || v > hi)
    throw ConfigError("--data synthetic: " + key + "=" + value + " must be a whole number in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

}  // namespace

SyntheticSpec parse_synthetic_spec(const std::string& options) {
  SyntheticSpec spec;
  std::stringstream in(options);
  std::set<std::string> seen;
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw ConfigError("--data synthetic: '" + item + "' is not key=value (keys: features, classes, samples, "
                        "test, sep, seed)");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (!seen.insert(key).second) throw ConfigError("--data synthetic: " + key + " is given twice");
    if (key == "features") spec.features = parse_count(key, value, 1, 1 << 16);
    else if (key == "classes") spec.classes = parse_count(key, value, 2, 256);
    else if (key == "samples") spec.samples = parse_count(key, value, 2, 100'000'000);
    else if (key == "seed") spec.seed = static_cast<uint64_t>(parse_count(key, value, 0, 2'000'000'000));
    else if (key == "test") {
      spec.test_fraction = parse_number(key, value);
      if (!(spec.test_fraction > 0 && spec.test_fraction < 1))
        throw ConfigError("--data synthetic: test=" + value + " must be in (0, 1)");
    } else if (key == "sep") {
      spec.separation = parse_number(key, value);
      if (!(spec.separation >= 0 && spec.separation <= 1000))
        throw ConfigError("--data synthetic: sep=" + value + " must be in [0, 1000]");
    } else {
      throw ConfigError("--data synthetic: unknown key '" + key + "' (keys: features, classes, samples, test, "
                        "sep, seed)");
    }
  }
  if (static_cast<double>(spec.samples) * spec.features > 2e9)
    throw ConfigError("--data synthetic: samples=" + std::to_string(spec.samples) + " x features=" +
                      std::to_string(spec.features) + " is more than 2e9 bytes of data");
  const int test = static_cast<int>(std::lround(spec.samples * spec.test_fraction));
  if (test < 1 || test >= spec.samples)
    throw ConfigError("--data synthetic: samples=" + std::to_string(spec.samples) + " with test=" +
                      std::to_string(spec.test_fraction) + " leaves an empty train or test set");
  return spec;
}

Dataset make_synthetic_dataset(const SyntheticSpec& spec) {
  Rng rng(derive_seed(spec.seed, 0x5e7));
  const int f = spec.features;
  std::vector<double> centroids(static_cast<size_t>(spec.classes) * f);
  for (auto& c : centroids) c = spec.separation * rng.normal();

  std::vector<size_t> order(spec.samples);
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform_int(i)]);

  const double range = 4 * std::sqrt(1 + spec.separation * spec.separation);
  ImageSet all;
  all.shape = {1, 1, f};
  all.pixels.resize(static_cast<size_t>(spec.samples) * f);
  all.labels.resize(spec.samples);
  for (int i = 0; i < spec.samples; ++i) {
    const int label = static_cast<int>(order[i] % spec.classes);
    all.labels[i] = static_cast<uint8_t>(label);
    for (int j = 0; j < f; ++j) {
      const double x = centroids[static_cast<size_t>(label) * f + j] + rng.normal();
      const double q = std::round((x + range) / (2 * range) * 255);
      all.pixels[static_cast<size_t>(i) * f + j] = static_cast<uint8_t>(std::clamp(q, 0.0, 255.0));
    }
  }
  const size_t test = static_cast<size_t>(std::lround(spec.samples * spec.test_fraction));
  const size_t train = spec.samples - test;
  std::vector<size_t> train_idx(train), test_idx(test);
  std::iota(train_idx.begin(), train_idx.end(), size_t{0});
  std::iota(test_idx.begin(), test_idx.end(), train);

  Dataset ds;
  std::ostringstream name;
  name << "synthetic:features=" << f << ",classes=" << spec.classes << ",samples=" << spec.samples
       << ",test=" << spec.test_fraction << ",sep=" << spec.separation << ",seed=" << spec.seed;
  ds.name = name.str();
  ds.train = all.subset(train_idx);
  ds.test = all.subset(test_idx);
  ds.num_classes = spec.classes;
  ds.classes_from = ClassSource::kDeclared;
  ds.normalization = compute_normalization(ds.train);
  return ds;
}

}  // namespace hsgd
