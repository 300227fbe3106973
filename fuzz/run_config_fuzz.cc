// run_config_fuzz.cc: libFuzzer target for TOML run configs (`hsgd train
// --config FILE`, a run's config.toml and the requests the experiment runner
// writes).
//
// The input is the file's text. It goes to read_config_text, what
// read_config_file calls once the file is read, and the configuration is then
// validated as `hsgd train` does before it loads anything (ranges, the K
// schedule, the data set spec). ConfigError and DataError are the
// expected answers to bad input; anything else (an InvariantError, a standard
// exception) is a bug.
#include <cstdint>
#include <string>

#include "hsgd/common/error.h"
#include "hsgd/config/option_io.h"
#include "hsgd/config/train_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  hsgd::TrainConfig config;
  std::string modes, seeds;  // `hsgd compare`'s extra options
  try {
    hsgd::read_config_text(text, "fuzz.toml", config, [](const std::string&) { return false; },
                           {{"modes", &modes}, {"seeds", &seeds}});
    config.validate();
    hsgd::config_toml(config, "train");  // written back as the run's config.toml
  } catch (const hsgd::ConfigError&) {
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
