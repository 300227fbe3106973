// csv_fuzz.cc: libFuzzer target for the CSV reader (`--data csv:TRAIN,TEST`).
//
// The first byte picks the options (bits 0-1: header auto, yes, no; bits 2-3:
// separator comma, semicolon, tab; bit 4: classes=3 declared, else inferred;
// bit 5: label=2, else the default column; bit 6: scale=none, else
// standard); the rest is the train file's
// text, then, after the separator "HSGD-TEST" (in the dictionary), the test
// file's (without it the train text serves as both). Both go through
// parse_csv_dataset, the code load_csv_dataset runs on the files' text. A
// DataError is the expected answer to bad input; anything else is a bug.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "hsgd/common/error.h"
#include "hsgd/data/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  hsgd::CsvOptions options;
  options.header = (flags & 3) == 1 ? hsgd::CsvHeader::kYes : (flags & 3) == 2 ? hsgd::CsvHeader::kNo
                                                                               : hsgd::CsvHeader::kAuto;
  options.separator = ((flags >> 2) & 3) == 1 ? ';' : ((flags >> 2) & 3) == 2 ? '\t' : ',';
  options.classes = (flags & 16) ? 3 : 0;
  if (flags & 32) options.label = "2";
  options.standardise = (flags & 64) == 0;
  constexpr std::string_view kSeparator = "HSGD-TEST";
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t cut = input.find(kSeparator);
  const std::string_view train = input.substr(0, cut);
  const std::string_view test = cut == std::string_view::npos ? input : input.substr(cut + kSeparator.size());
  try {
    const hsgd::Dataset ds = hsgd::parse_csv_dataset(train, test, options, "train.csv", "test.csv");
    // What training relies on: a finite float32 per feature per row, labels below the class count.
    for (const hsgd::ImageSet* set : {&ds.train, &ds.test}) {
      if (set->type != hsgd::SampleType::kFloat32 || set->values.size() != set->size() * set->shape.pixels())
        __builtin_trap();
      for (float v : set->values)
        if (!std::isfinite(v)) __builtin_trap();
    }
    if (ds.num_classes < 2) __builtin_trap();
    for (uint8_t label : ds.test.labels)
      if (label >= ds.num_classes) __builtin_trap();
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
