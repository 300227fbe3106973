// spec_options.h: the comma-separated items after "KIND:" in a data set spec
// (dataset_registry.h): files, and key=value options.
//
// An item that starts with a key of lowercase letters and dashes followed by
// '=' is an option ("classes=5", "label-bytes=2"); every other item is a file.
// A file whose name starts like an option is written with a folder in front
// ("./classes=5.csv"). Unknown keys, keys given twice and empty items are
// errors that name the spec, so a typo never reads as a file name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

// The class counts a data set may declare: a label is stored in one byte.
constexpr int kMinClasses = 2;
constexpr int kMaxClasses = 256;

struct SpecItems {
  std::string spec;                           // the whole spec, for messages
  std::vector<std::string> files;             // in order
  std::map<std::string, std::string> options;  // key -> value

  bool has(const std::string& key) const { return options.count(key) > 0; }
  // The option's value, or `fallback` when it is not given.
  std::string value(const std::string& key, const std::string& fallback = "") const;
};

// Splits `body` (the spec after "KIND:") into files and options; `keys` are
// the option keys this kind takes. Throws ConfigError.
SpecItems split_spec_items(const std::string& spec, const std::string& body, const std::vector<std::string>& keys);

// The option `key` as a whole number in [lo, hi], or `fallback` when it is
// not given. Throws ConfigError naming the spec, the key and the range.
int spec_integer(const SpecItems& items, const std::string& key, int lo, int hi, int fallback);

// classes=N: in [kMinClasses, kMaxClasses]; 0 when not given (count from the labels).
int spec_classes(const SpecItems& items);

// shape=CxHxW: channels in [1, 64], height and width in [1, 4096], at most
// 2^24 bytes per image. Throws ConfigError.
ImageShape parse_image_shape(const std::string& spec, const std::string& text);

}  // namespace hsgd
