// image_set.h: labelled samples kept in memory, and the data set (train +
// test split) that training reads.
//
// Images (IDX bytes, CIFAR records) stay uint8 (60,000 MNIST images = 47 MB);
// float data (CSV tables, float32 IDX files) is kept as float32, already
// standardised (standardise.h), so it reaches the model exactly. batch.h turns
// the few samples of one minibatch into the floats the model sees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hsgd {

struct ImageShape {
  int channels = 0;
  int height = 0;
  int width = 0;
  size_t pixels() const { return static_cast<size_t>(channels) * height * width; }
  bool operator==(const ImageShape& o) const {
    return channels == o.channels && height == o.height && width == o.width;
  }
  std::string to_string() const;  // "1x28x28"
};

// How a set's samples are stored: one byte per value (pixels, in
// `ImageSet::pixels`) or one float32 per value (in `ImageSet::values`).
enum class SampleType : uint8_t { kUint8, kFloat32 };
const char* sample_type_name(SampleType type);  // "uint8", "float32"

struct ImageSet {
  ImageShape shape;
  SampleType type = SampleType::kUint8;
  std::vector<uint8_t> pixels;  // kUint8: size() images, each channels x height x width (CHW)
  std::vector<float> values;    // kFloat32: the same layout, one float per value
  std::vector<uint8_t> labels;  // one per image, in [0, num_classes)

  size_t size() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return pixels.data() + i * shape.pixels(); }
  const float* sample(size_t i) const { return values.data() + i * shape.pixels(); }
  // Bytes of one sample's values in memory: pixels() or 4 x pixels().
  size_t bytes_per_sample() const { return shape.pixels() * (type == SampleType::kFloat32 ? 4 : 1); }
  // A new set holding the images at `indices`, in that order.
  ImageSet subset(const std::vector<size_t>& indices) const;
  // Appends all images of `other` (same shape).
  void append(const ImageSet& other);
};

// Per-channel mean and standard deviation that batch.h applies: a uint8
// value b becomes (b/255 - mean) / stddev, a float32 value x (x - mean) /
// stddev. Float sets are stored standardised, with the identity (0, 1).
struct Normalization {
  std::vector<float> mean;
  std::vector<float> stddev;
};
// Of pixel values scaled to [0, 1]; a uint8 set only.
Normalization compute_normalization(const ImageSet& images);
// Mean 0, standard deviation 1 for each of `channels`: the model sees the values as stored.
Normalization identity_normalization(int channels);

// Where a data set's class count comes from.
enum class ClassSource {
  kFixed,     // the named data set's own (mnist, fashion-mnist, cifar10: 10)
  kDeclared,  // the spec's classes=N (synthetic: its classes key); every label was checked against it
  kInferred,  // not declared: the largest label in the train and test sets, + 1
};
const char* class_source_name(ClassSource source);  // "fixed", "declared", "inferred"

struct Dataset {
  std::string name;         // "mnist", "cifar10", "idx:/path" ...
  ImageSet train;
  ImageSet test;
  int num_classes = 10;
  ClassSource classes_from = ClassSource::kFixed;
  Normalization normalization;
  std::vector<std::string> notes;  // what a run's log and summary should say about the data
};

// Sets ds.num_classes and ds.classes_from: `declared` when > 0 (the readers
// checked every label against it), else the largest label + 1 over train and
// test. Throws DataError when the labels hold a single class. Adds a note
// naming the classes that have no training image.
void set_class_count(Dataset& ds, int declared);
// "5 classes (inferred: the largest label + 1; declare them with classes=N)" and the like.
std::string describe_classes(const Dataset& ds);

}  // namespace hsgd
