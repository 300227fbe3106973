// option_table.cc: TOML config files for subcommands (see option_table.h).
#include "apps/option_table.h"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "hsgd/common/error.h"

namespace hsgd::cli {

OptionTable::OptionTable(CLI::App* command) : command_(command) {}

CLI::Option* OptionTable::add_flag(const std::string& name, bool& field, const std::string& help) {
  fields_.emplace_back(name, [&field] { return to_toml(field); });
  return command_->add_flag("--" + name, field, help);
}

void OptionTable::add_config_option() {
  command_->add_option("--config", config_path_,
                       "read options from a TOML file (a run's saved config.toml); "
                       "options on the command line override it")
      ->check(CLI::ExistingFile);
}

void OptionTable::load_config_file() {
  if (config_path_.empty()) return;
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(config_path_);
  } catch (const CLI::Error& e) {
    throw ConfigError(config_path_ + ": cannot read: " + e.what());
  }
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers CLI11 emits
    const bool our_section = item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == command_->get_name());
    CLI::Option* opt = our_section ? command_->get_option_no_throw("--" + item.name) : nullptr;
    if (opt == nullptr || item.name == "config")
      throw ConfigError(config_path_ + ": unknown key '" + item.fullname() + "' (see hsgd " +
                        command_->get_name() + " --help for the options)");
    if (opt->count() > 0) continue;  // given on the command line: that wins
    try {
      for (const auto& input : item.inputs) opt->add_result(input);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw ConfigError(config_path_ + ": key '" + item.name + "': " + e.what());
    }
  }
}

std::string OptionTable::to_toml(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string OptionTable::to_toml(double v) {
  char buf[40];
  for (int precision = 6; precision <= 17; ++precision) {  // the shortest text that reads back exactly
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void OptionTable::save(const std::string& path) const {
  std::ofstream out(path);
  if (!out) throw Error(path + ": cannot write the run's configuration");
  out << "# hsgd " << command_->get_name() << " configuration; repeat the run with:\n#   hsgd "
      << command_->get_name() << " --config " << path << " --out NEW_FOLDER\n";
  for (const auto& [name, value] : fields_) out << name << " = " << value() << "\n";
  if (!out) throw Error(path + ": write failed");
}

}  // namespace hsgd::cli
