// profiles.cc: the built-in simulator profiles (see profiles.h). The values
// are those fitted by scripts/calibrate.py to the paper's sync and async
// curves (results/calibrate-*-wide/calibration.json; docs/calibration.md).
#include "hsgd/sim/profiles.h"

#include "hsgd/common/error.h"

namespace hsgd::sim {

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> all = {
      {"paper-ray-mnist",
       "the paper's Ray system on MNIST, fitted to its sync and async curves (calibrate-mnist-wide)",
       {{"sim-compute", "fixed"},
        {"sim-compute-ms", "500"},  // fitted: C, U (results/calibrate-mnist-wide/calibration.json)
        {"sim-ps-update-ms", "0"},
        {"sim-ps-gradient-ms", "0"},
        {"sim-latency-ms", "1"},
        {"sim-start-s", "15"},  // read from the paper's MNIST figures, not fitted
        {"sim-start-spread-s", "5"}}},
      {"paper-ray-cifar10",
       "the paper's Ray system on CIFAR-10, fitted to its sync and async curves (calibrate-cifar10-wide)",
       {{"sim-compute", "fixed"},
        {"sim-compute-ms", "500"},  // fitted: C, U (results/calibrate-cifar10-wide/calibration.json)
        {"sim-ps-update-ms", "0"},
        {"sim-ps-gradient-ms", "0"},
        {"sim-latency-ms", "1"},
        {"sim-start-s", "0"},  // the paper's CIFAR-10 curves show no flat start
        {"sim-start-spread-s", "0"}}},
  };
  return all;
}

std::string profile_names() {
  std::string names;
  for (const auto& p : profiles()) names += (names.empty() ? "" : " | ") + std::string(p.name);
  return names;
}

const Profile& find_profile(const std::string& name) {
  for (const auto& p : profiles())
    if (name == p.name) return p;
  throw ConfigError("--sim-profile: unknown profile '" + name + "' (known: " + profile_names() + ")");
}

}  // namespace hsgd::sim
