// metrics_fuzz.cc: libFuzzer target for a run's metrics.csv as `hsgd report`
// reads it back.
//
// The input is the file's text. It goes to parse_metrics_csv, what
// read_metrics_csv calls once the (size-bounded) file is read. A DataError is
// the expected answer to bad input; anything else is a bug.
#include <cstdint>
#include <string>

#include "hsgd/common/error.h"
#include "hsgd/metrics/metrics_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    hsgd::parse_metrics_csv(text, "metrics.csv");
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
