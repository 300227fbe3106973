// option_io.h: option values read from text (the command line) and from TOML
// config files, and a run's configuration written back as TOML, all through
// the one option list (option_list.h).
//
// Config files are strict: a key that is no option, a value of the wrong TOML
// type (a string for a number, a float for an integer), a duplicate key, a
// file that is not a regular file or is larger than 1 MiB are errors naming
// the file (and line) and the key. An integer is accepted for a float option.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hsgd/common/text_file.h"
#include "hsgd/config/train_config.h"

namespace hsgd {

constexpr size_t kMaxConfigFileBytes = kMiB;

// Sets option `name` from its command-line text; throws ConfigError naming
// the option, the text and what was expected (or the allowed range).
void set_option(TrainConfig& c, const std::string& name, const std::string& text);

// Options of a command beyond those of `hsgd train` (compare's modes): string
// options by name.
using ExtraOptions = std::vector<std::pair<std::string, std::string*>>;

// Reads a TOML config file into `c`, skipping the options for which
// skip(name) is true (those given on the command line win).
void read_config_file(const std::string& path, TrainConfig& c, const std::function<bool(const std::string&)>& skip,
                      const ExtraOptions& extra = {});
// The same for TOML text; `origin` names it in messages.
void read_config_text(const std::string& text, const std::string& origin, TrainConfig& c,
                      const std::function<bool(const std::string&)>& skip, const ExtraOptions& extra = {});

// Sets the options of c.sim_profile (sim/profiles.h), if any, that given(name)
// says were not given explicitly; throws ConfigError for an unknown profile.
void apply_sim_profile(TrainConfig& c, const std::function<bool(const std::string&)>& given);

// The run's configuration as TOML: every option but out and overwrite, so
// that `hsgd COMMAND --config FILE` repeats the run in a new folder.
std::string config_toml(const TrainConfig& c, const std::string& command);

// The value of an option as the command line would give it ("0.01", "sync").
std::string option_text(const TrainConfig& c, const std::string& name);

}  // namespace hsgd
