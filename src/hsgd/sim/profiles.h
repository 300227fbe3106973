// profiles.h: named sets of simulator costs (--sim-profile NAME), fitted to a
// real system's measurements so that a user can run "that system" by name.
//
// A profile is a list of option values, applied to every option that the
// command line or the config file does not give: options given explicitly win.
// The paper's profiles and how they were fitted: docs/calibration.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hsgd::sim {

struct Profile {
  const char* name;
  const char* description;
  std::vector<std::pair<std::string, std::string>> options;  // option name, its command-line text
};

const std::vector<Profile>& profiles();

// The profile named `name`; throws ConfigError naming the known ones if none is.
const Profile& find_profile(const std::string& name);

// "a | b | c": the names, for help and messages.
std::string profile_names();

}  // namespace hsgd::sim
