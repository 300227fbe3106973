// image_set.h: labelled images kept as uint8 in memory, and the data set
// (train + test split) that training reads.
//
// Images stay uint8 (60,000 MNIST images = 47 MB); batch.h turns the few
// images of one minibatch into normalised floats when they are needed.
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

struct ImageSet {
  ImageShape shape;
  std::vector<uint8_t> pixels;  // size() images, each channels x height x width (CHW)
  std::vector<uint8_t> labels;  // one per image, in [0, num_classes)

  size_t size() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return pixels.data() + i * shape.pixels(); }
  // A new set holding the images at `indices`, in that order.
  ImageSet subset(const std::vector<size_t>& indices) const;
  // Appends all images of `other` (same shape).
  void append(const ImageSet& other);
};

// Per-channel mean and standard deviation of pixel values scaled to [0, 1].
struct Normalization {
  std::vector<float> mean;
  std::vector<float> stddev;
};
Normalization compute_normalization(const ImageSet& images);

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
