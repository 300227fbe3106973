// option_table.cc: see option_table.h.
#include "apps/option_table.h"

#include "hsgd/common/error.h"
#include "hsgd/config/option_list.h"

namespace hsgd::cli {

// Registers each option with CLI11 as text; hsgd parses it in apply().
struct OptionBinder {
  OptionTable& table;
  bool with_mode;

  void value(const std::string& name, const char* type, const std::string& help) {
    if (name == "mode" && !with_mode) return;
    table.command_->add_option("--" + name, table.values_[name], help)
        ->type_name(type)
        ->default_str(option_text(table.config_, name))
        ->multi_option_policy(CLI::MultiOptionPolicy::Throw)
        ->group(option_group(name));
  }
  void text(const std::string& name, const std::string&, const std::string& help) { value(name, "TEXT", help); }
  template <typename E>
  void choice(const std::string& name, E, const std::string& help) {
    value(name, "NAME", help);
  }
  void number(const std::string& name, double, const Range& range, const std::string& help) {
    value(name, "NUMBER", help + "; " + range.text());
  }
  template <typename Int>
  void integer(const std::string& name, Int, const Range& range, const std::string& help) {
    value(name, "INT", help + "; " + range.text());
  }
  void numbers(const std::string& name, const std::vector<double>&, const Range& range, const std::string& help) {
    value(name, "LIST", help + "; each " + range.text());
  }
  void flag(const std::string& name, bool, const std::string& help) {
    table.command_->add_flag("--" + name, table.flags_[name], help)->group(option_group(name));
  }
};

OptionTable::OptionTable(CLI::App* command, TrainConfig& config, bool with_mode)
    : command_(command), config_(config) {
  OptionBinder binder{*this, with_mode};
  visit_train_options(std::as_const(config_), binder);
  command_->add_option("--config", config_path_,
                       "read options from a TOML file (a run's saved config.toml); options on the command line "
                       "override it")
      ->group("Output");
}

void OptionTable::add_extra(const std::string& name, std::string& field, const std::string& help) {
  extra_.emplace_back(name, &field);
  command_->add_option("--" + name, field, help)->default_str(field);  // the command line sets it at once
}

bool OptionTable::on_command_line(const std::string& name) const {
  const CLI::Option* opt = command_->get_option_no_throw("--" + name);
  return opt != nullptr && opt->count() > 0;
}

bool OptionTable::given(const std::string& name) const { return on_command_line(name) || from_file_.count(name) > 0; }

void OptionTable::resume_from(const std::string& path) {
  std::string list;
  for (const auto& entry : values_)
    if (is_resumable_option(entry.first)) list += (list.empty() ? "--" : ", --") + entry.first;
  const auto check = [&](const std::string& name) {
    if (!on_command_line(name) || is_resumable_option(name)) return;
    throw hsgd::ConfigError("--" + name + " cannot be given with --resume: a resumed run keeps its options (they are in " +
                      path + "); only " + list + " may change");
  };
  check("config");
  for (const auto& entry : values_) check(entry.first);
  for (const auto& entry : flags_) check(entry.first);
  for (const auto& entry : extra_) check(entry.first);
  config_path_ = path;
}

void OptionTable::apply() {
  const auto skip = [this](const std::string& name) {
    from_file_.insert(name);
    return on_command_line(name);
  };
  if (!config_path_.empty()) read_config_file(config_path_, config_, skip, extra_);
  for (const auto& [name, text] : values_)
    if (on_command_line(name)) set_option(config_, name, text);
  for (const auto& [name, value] : flags_)
    if (on_command_line(name)) set_option(config_, name, value ? "true" : "false");
  apply_sim_profile(config_, [this](const std::string& name) { return given(name); });
}

}  // namespace hsgd::cli
