// image_set.cc: ImageSet helpers and per-channel statistics.
#include "hsgd/data/image_set.h"

#include <algorithm>
#include <cmath>

#include "hsgd/common/error.h"

namespace hsgd {

std::string ImageShape::to_string() const {
  return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

const char* sample_type_name(SampleType type) {
  return type == SampleType::kFloat32 ? "float32" : "uint8";
}

namespace {

// Copies the samples at `indices` of `from` (per_sample values each) into `to`.
template <typename T>
void gather(const std::vector<T>& from, const std::vector<size_t>& indices, size_t per_sample, std::vector<T>& to) {
  to.resize(indices.size() * per_sample);
  for (size_t k = 0; k < indices.size(); ++k)
    std::copy_n(from.data() + indices[k] * per_sample, per_sample, to.data() + k * per_sample);
}

}  // namespace

ImageSet ImageSet::subset(const std::vector<size_t>& indices) const {
  ImageSet out;
  out.shape = shape;
  out.type = type;
  out.labels.resize(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    HSGD_CHECK(indices[k] < size(), "index ", indices[k], " >= ", size());
    out.labels[k] = labels[indices[k]];
  }
  if (type == SampleType::kFloat32) gather(values, indices, shape.pixels(), out.values);
  else gather(pixels, indices, shape.pixels(), out.pixels);
  return out;
}

void ImageSet::append(const ImageSet& other) {
  if (labels.empty() && pixels.empty() && values.empty()) {
    shape = other.shape;
    type = other.type;
  }
  HSGD_CHECK(shape == other.shape, "appending ", other.shape.to_string(), " images to ",
             shape.to_string());
  HSGD_CHECK(type == other.type, "appending ", sample_type_name(other.type), " samples to ",
             sample_type_name(type), " ones");
  pixels.insert(pixels.end(), other.pixels.begin(), other.pixels.end());
  values.insert(values.end(), other.values.begin(), other.values.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
}

Normalization identity_normalization(int channels) {
  return {std::vector<float>(static_cast<size_t>(channels), 0.0f),
          std::vector<float>(static_cast<size_t>(channels), 1.0f)};
}

Normalization compute_normalization(const ImageSet& images) {
  HSGD_CHECK(images.type == SampleType::kUint8, "compute_normalization of a float32 set (standardise.h does those)");
  const int channels = images.shape.channels;
  const size_t plane = static_cast<size_t>(images.shape.height) * images.shape.width;
  Normalization norm;
  for (int c = 0; c < channels; ++c) {
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; i < images.size(); ++i) {
      const uint8_t* p = images.image(i) + c * plane;
      uint64_t s = 0, sq = 0;  // exact integer sums per image
      for (size_t k = 0; k < plane; ++k) {
        s += p[k];
        sq += static_cast<uint64_t>(p[k]) * p[k];
      }
      sum += static_cast<double>(s);
      sum_sq += static_cast<double>(sq);
    }
    const double n = static_cast<double>(images.size() * plane);
    const double mean = n > 0 ? sum / n / 255.0 : 0.0;
    const double var = n > 0 ? sum_sq / n / (255.0 * 255.0) - mean * mean : 0.0;
    norm.mean.push_back(static_cast<float>(mean));
    // A constant channel would divide by zero; treat it as unit spread.
    norm.stddev.push_back(var > 1e-12 ? static_cast<float>(std::sqrt(var)) : 1.0f);
  }
  return norm;
}

const char* class_source_name(ClassSource source) {
  switch (source) {
    case ClassSource::kFixed: return "fixed";
    case ClassSource::kDeclared: return "declared";
    case ClassSource::kInferred: return "inferred";
  }
  return "unknown";
}

void set_class_count(Dataset& ds, int declared) {
  if (declared > 0) {
    ds.num_classes = declared;
    ds.classes_from = ClassSource::kDeclared;
  } else {
    int top = 0;
    for (const ImageSet* set : {&ds.train, &ds.test})
      for (uint8_t label : set->labels) top = std::max(top, static_cast<int>(label));
    if (top == 0)
      throw DataError(ds.name, "every label is 0: a data set needs at least 2 classes");
    ds.num_classes = top + 1;
    ds.classes_from = ClassSource::kInferred;
  }
  std::vector<size_t> counts(static_cast<size_t>(ds.num_classes), 0);
  for (const ImageSet* set : {&ds.train, &ds.test})
    for (uint8_t label : set->labels)  // the readers checked them already; this keeps counts[] in bounds
      if (label >= ds.num_classes)
        throw DataError(ds.name, "label " + std::to_string(label) + " is out of range [0, " +
                                     std::to_string(ds.num_classes) + ")");
  for (uint8_t label : ds.train.labels) ++counts[label];
  std::string empty;
  int missing = 0;
  for (size_t c = 0; c < counts.size(); ++c)
    if (counts[c] == 0 && ++missing <= 10) empty += (empty.empty() ? "" : ", ") + std::to_string(c);
  if (missing > 0)
    ds.notes.push_back(std::to_string(missing) + " of the " + std::to_string(ds.num_classes) +
                       " classes have no training image: " + empty + (missing > 10 ? ", ..." : ""));
}

std::string describe_classes(const Dataset& ds) {
  const std::string n = std::to_string(ds.num_classes) + " classes";
  switch (ds.classes_from) {
    case ClassSource::kFixed: return n + " (fixed by the data set)";
    case ClassSource::kDeclared: return n + " (declared)";
    case ClassSource::kInferred: return n + " (inferred: the largest label + 1; declare them with classes=N)";
  }
  return n;
}

}  // namespace hsgd
