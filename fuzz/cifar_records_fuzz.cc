// cifar_records_fuzz.cc: libFuzzer target for CIFAR-style binary record
// files (`--data cifar:TRAIN,...,TEST,shape=CxHxW,...`, data/record_reader.h).
//
// The first 4 bytes pick the layout, the rest is one record file (raw or
// gzip'ed) and goes to read_records through the same InputFile as a file on
// disk (bytes in memory):
//   byte 0  channels - 1 (mod 4: 1 to 4)    byte 1  height - 1 (1 to 256)
//   byte 2  width - 1 (1 to 256)
//   byte 3  bits 0-1: label bytes - 1 (1 to 4); bits 2-3: which of them is
//           the class (mod the label bytes); bit 4: classes=10 declared,
//           else inferred (labels up to 255)
// A set that was read then goes through what loading does next: the
// per-channel normalisation and the class count. A DataError is the
// expected answer to bad input; anything else is a bug.
#include <cmath>
#include <cstdint>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/record_reader.h"
#include "hsgd/data/spec_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  hsgd::RecordLayout layout;
  layout.shape = {1 + (data[0] & 3), 1 + data[1], 1 + data[2]};
  layout.label_bytes = 1 + (data[3] & 3);
  layout.label_byte = ((data[3] >> 2) & 3) % layout.label_bytes;
  const int classes = (data[3] & 16) ? 10 : hsgd::kMaxClasses;
  try {
    hsgd::InputFile in("fuzz.bin", data + 4, size - 4);
    hsgd::Dataset ds;
    ds.name = "fuzz";
    ds.train = hsgd::read_records(in, layout, classes);
    if (ds.train.pixels.size() != ds.train.size() * layout.shape.pixels()) __builtin_trap();
    for (uint8_t label : ds.train.labels)
      if (label >= classes) __builtin_trap();
    ds.test = ds.train;
    ds.normalization = hsgd::compute_normalization(ds.train);
    for (float s : ds.normalization.stddev)
      if (!(s > 0) || !std::isfinite(s)) __builtin_trap();
    hsgd::set_class_count(ds, (data[3] & 16) ? 10 : 0);
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
