// idx_fuzz.cc: libFuzzer target for the IDX reader (MNIST format, raw or gzip'ed).
//
// The input is one IDX file, or an image file and a label file joined by the
// separator "HSGD-LABELS" (in the dictionary). Each file goes through
// read_idx (the bytes-in-memory overload of what `hsgd train --data mnist`
// calls, through the same InputFile and zlib gzread); a pair then goes through
// idx_images, the checks read_idx_images makes of the two together, and a
// float32 image set through the standardisation that loading applies
// (standardise.h), which must leave finite values. A DataError is the
// expected answer to bad input; anything else is a bug.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "hsgd/common/error.h"
#include "hsgd/data/idx_reader.h"
#include "hsgd/data/standardise.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr std::string_view kSeparator = "HSGD-LABELS";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t cut = input.find(kSeparator);
  try {
    if (cut == std::string_view::npos) {
      hsgd::read_idx(data, size, "fuzz.idx");
    } else {
      const size_t labels_at = cut + kSeparator.size();
      hsgd::IdxArray images = hsgd::read_idx(data, cut, "images.idx");
      hsgd::IdxArray labels = hsgd::read_idx(data + labels_at, size - labels_at, "labels.idx");
      hsgd::Dataset ds;
      ds.train = hsgd::idx_images(std::move(images), std::move(labels), "images.idx", "labels.idx", 10);
      if (ds.train.type == hsgd::SampleType::kFloat32) {
        ds.test = ds.train;
        hsgd::standardise_channels(ds, "images.idx", "images.idx");
        for (float v : ds.test.values)
          if (!std::isfinite(v)) __builtin_trap();
      }
    }
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
