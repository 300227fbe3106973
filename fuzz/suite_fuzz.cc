// suite_fuzz.cc: libFuzzer target for experiment suite files
// (`hsgd experiment FILE.toml`, and a results folder's suite.toml read back
// by `hsgd report`).
//
// The input is the suite's TOML text. It goes to parse_suite, what load_suite
// calls once the file is read, and the suite's runs are then planned as
// `hsgd experiment` does (plan_runs, RunFolders). ConfigError and DataError are
// the expected answers to bad input; anything else (an InvariantError, a
// standard exception) is a bug.
#include <cstdint>
#include <string>

#include "hsgd/common/error.h"
#include "hsgd/experiment/suite.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const hsgd::Suite suite = hsgd::parse_suite(text, "fuzz.toml");
    const auto runs = hsgd::plan_runs(suite);
    hsgd::RunFolders folders(runs);
  } catch (const hsgd::ConfigError&) {
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
