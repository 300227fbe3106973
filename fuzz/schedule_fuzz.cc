// schedule_fuzz.cc: libFuzzer target for K schedule specs (`--schedule`,
// also in config and suite files).
//
// The input is the spec text. It goes to parse_k_schedule with the default
// learning rate and a 25-worker cluster (TrainConfig::validate does the
// same), and the schedule is then asked for K and its formula, as the
// parameter server and the run's summary do, at a few points from the start
// to far beyond any run (K must be >= 1 and computed without overflow). A
// ConfigError is the expected answer to bad input; anything else is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hsgd/common/error.h"
#include "hsgd/ps/k_schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    const auto schedule = hsgd::parse_k_schedule(spec, 0.01, 25);
    schedule->describe();
    // {gradients received, updates applied, seconds}
    for (const hsgd::ScheduleState at : {hsgd::ScheduleState{0, 0, 0}, hsgd::ScheduleState{1000, 100, 12.5},
                                         hsgd::ScheduleState{uint64_t{1} << 40, uint64_t{1} << 38, 1e7}})
      if (schedule->k(at) < 1 || schedule->k(at) > schedule->max_k()) std::abort();
  } catch (const hsgd::ConfigError&) {
  }
  return 0;
}
