// option_table.h: binds a subcommand's options to the fields of a config
// struct, reads them from a TOML file and writes their current values back.
//
// CLI11 reads config files only for the top-level App, so subcommands use
// this instead:  hsgd train --config run/config.toml --lr 0.1
// Values given on the command line win over the file; a key in the file that
// is no option of the command is an error naming the file and the key. The
// saved file holds the resolved values of every option (defaults included),
// so passing it back repeats the run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace hsgd::cli {

class OptionTable {
 public:
  explicit OptionTable(CLI::App* command);

  // An option `--name` bound to `field`; its default is the field's value now.
  template <typename T>
  CLI::Option* add(const std::string& name, T& field, const std::string& help) {
    fields_.emplace_back(name, [&field] { return to_toml(field); });
    return command_->add_option("--" + name, field, help)->capture_default_str();
  }
  CLI::Option* add_flag(const std::string& name, bool& field, const std::string& help);

  // The --config option (a TOML file); call load_config_file() after parsing.
  void add_config_option();
  void load_config_file();

  // Whether option --name was given, on the command line or in the --config file.
  bool given(const std::string& name) const { return command_->get_option("--" + name)->count() > 0; }

  // Writes every bound field as `name = value` TOML.
  void save(const std::string& path) const;

 private:
  static std::string to_toml(const std::string& s);
  static std::string to_toml(bool b) { return b ? "true" : "false"; }
  static std::string to_toml(double v);
  template <typename T>
  static std::string to_toml(T v) {
    return std::to_string(v);
  }

  CLI::App* command_;
  std::string config_path_;
  std::vector<std::pair<std::string, std::function<std::string()>>> fields_;
};

}  // namespace hsgd::cli
