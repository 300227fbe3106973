// option_table.h: binds the training options (src/hsgd/config/option_list.h)
// to a CLI11 subcommand, with their ranges and defaults in the help, and
// reads a --config TOML file.
//
//   hsgd train --config run/config.toml --lr 0.1
// Values given on the command line win over the file. Every value is parsed
// by hsgd's own option parser (config/option_io.h), so a bad value gets the
// same message from the command line and from a file.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hsgd/config/option_io.h"
#include "hsgd/config/train_config.h"

namespace hsgd::cli {

class OptionTable {
 public:
  // Binds every option of `config` (without --mode unless `with_mode`) and --config.
  OptionTable(CLI::App* command, TrainConfig& config, bool with_mode);

  // A string option of this command only (compare's --modes); saved and read
  // back with the others.
  void add_extra(const std::string& name, std::string& field, const std::string& help);

  // After parsing: reads the --config file, then the values given on the
  // command line (which win). Throws ConfigError.
  void apply();

  // Whether option --name was given, on the command line or in the --config file.
  bool given(const std::string& name) const;

  // For --resume: throws ConfigError when the command line gives an option
  // that is not resumable (config/option_list.h), --config included, then
  // reads the run's own config file `path` under the options given (apply()
  // does that).
  void resume_from(const std::string& path);

 private:
  friend struct OptionBinder;
  bool on_command_line(const std::string& name) const;

  CLI::App* command_;
  TrainConfig& config_;
  std::string config_path_;
  std::map<std::string, std::string> values_;  // value options as given
  std::map<std::string, bool> flags_;
  ExtraOptions extra_;
  std::set<std::string> from_file_;
};

}  // namespace hsgd::cli
