// option_io.cc: see option_io.h. Each job is one visitor over option_list.h.
#include "hsgd/config/option_io.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <type_traits>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/config/option_list.h"

namespace hsgd {
namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

double parse_double(const std::string& name, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])))
    throw ConfigError("--" + name + " = " + quoted(text) + " is not a number");
  return v;
}

template <typename Int>
Int parse_integer(const std::string& name, const std::string& text, const Range& range) {
  const bool negative = !text.empty() && text[0] == '-';
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])) ||
      (std::is_unsigned_v<Int> && negative))
    throw ConfigError("--" + name + " = " + quoted(text) + " is not a whole number" +
                      (std::is_unsigned_v<Int> && negative ? " >= 0" : ""));
  if (errno == ERANGE || !range.contains(static_cast<double>(v)))
    throw ConfigError("--" + name + " = " + text + " is out of range: must be " + range.text());
  return static_cast<Int>(v);
}

template <typename E>
E parse_choice(const std::string& name, const std::string& text) {
  if (auto v = enum_from_name<E>(text)) return *v;
  throw ConfigError("--" + name + " " + text + ": unknown " + EnumNames<E>::kind + "; expected " + enum_choices<E>());
}

std::vector<double> parse_numbers(const std::string& name, const std::string& text) {
  std::vector<double> values;
  if (text.empty()) return values;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) values.push_back(parse_double(name, part));
  if (text.back() == ',') throw ConfigError("--" + name + " = " + quoted(text) + " ends with a comma");
  return values;
}

std::string numbers_text(const std::vector<double>& values) {
  std::string s;
  for (double v : values) s += (s.empty() ? "" : ",") + toml_number(v);
  return s;
}

// Sets the option called `wanted` from command-line text.
struct TextSetter {
  const std::string& wanted;
  const std::string& value;
  bool found = false;

  bool is(const std::string& name) {
    if (name != wanted) return false;
    found = true;
    return true;
  }
  void text(const std::string& name, std::string& field, const std::string&) {
    if (is(name)) field = value;
  }
  template <typename E>
  void choice(const std::string& name, E& field, const std::string&) {
    if (is(name)) field = parse_choice<E>(name, value);
  }
  void number(const std::string& name, double& field, const Range&, const std::string&) {
    if (is(name)) field = parse_double(name, value);
  }
  template <typename Int>
  void integer(const std::string& name, Int& field, const Range& range, const std::string&) {
    if (is(name)) field = parse_integer<Int>(name, value, range);
  }
  void numbers(const std::string& name, std::vector<double>& field, const Range&, const std::string&) {
    if (is(name)) field = parse_numbers(name, value);
  }
  void flag(const std::string& name, bool& field, const std::string&) {
    if (!is(name)) return;
    if (value != "true" && value != "false")
      throw ConfigError("--" + name + " = " + quoted(value) + ": expected true or false");
    field = value == "true";
  }
};

// Sets the options a TOML table names, with strict types.
struct TomlReader {
  const toml::table& table;
  const std::string& path;
  const std::function<bool(const std::string&)>& skip;
  std::vector<std::string> used;

  const toml::node* node_of(const std::string& name) {
    const toml::node* node = table.get(name);
    if (node == nullptr) return nullptr;
    used.push_back(name);
    return skip(name) ? nullptr : node;
  }
  [[noreturn]] void wrong_type(const std::string& name, const toml::node& node, const char* expected) {
    throw ConfigError(where(node) + ": key '" + name + "' must be " + expected);
  }
  std::string where(const toml::node& node) const {
    const auto line = node.source().begin.line;
    return line > 0 ? path + ":" + std::to_string(line) : path;
  }
  void text(const std::string& name, std::string& field, const std::string&) {
    if (const toml::node* n = node_of(name)) {
      auto v = n->value_exact<std::string>();
      if (!v) wrong_type(name, *n, "a string");
      field = *v;
    }
  }
  template <typename E>
  void choice(const std::string& name, E& field, const std::string&) {
    if (const toml::node* n = node_of(name)) {
      auto v = n->value_exact<std::string>();
      if (!v) wrong_type(name, *n, ("a string: " + enum_choices<E>()).c_str());
      field = parse_choice<E>(name, *v);
    }
  }
  void number(const std::string& name, double& field, const Range&, const std::string&) {
    if (const toml::node* n = node_of(name)) {
      if (auto d = n->value_exact<double>()) field = *d;
      else if (auto i = n->value_exact<int64_t>()) field = static_cast<double>(*i);
      else wrong_type(name, *n, "a number");
    }
  }
  template <typename Int>
  void integer(const std::string& name, Int& field, const Range& range, const std::string&) {
    if (const toml::node* n = node_of(name)) {
      auto v = n->value_exact<int64_t>();
      if (!v) wrong_type(name, *n, "an integer");
      if (!range.contains(static_cast<double>(*v)))
        throw ConfigError(where(*n) + ": --" + name + " = " + std::to_string(*v) + " is out of range: must be " +
                          range.text());
      field = static_cast<Int>(*v);
    }
  }
  void numbers(const std::string& name, std::vector<double>& field, const Range&, const std::string&) {
    const toml::node* n = node_of(name);
    if (n == nullptr) return;
    if (auto s = n->value_exact<std::string>()) {
      field = parse_numbers(name, *s);
      return;
    }
    const toml::array* a = n->as_array();
    if (a == nullptr) wrong_type(name, *n, "an array of numbers or a string \"1,1,2\"");
    field.clear();
    for (const auto& e : *a) {
      auto v = e.value<double>();
      if (!v || !(e.is_integer() || e.is_floating_point())) wrong_type(name, e, "an array of numbers");
      field.push_back(*v);
    }
  }
  void flag(const std::string& name, bool& field, const std::string&) {
    if (const toml::node* n = node_of(name)) {
      auto v = n->value_exact<bool>();
      if (!v) wrong_type(name, *n, "true or false");
      field = *v;
    }
  }
};

// Writes `name = value` lines.
struct TomlWriter {
  std::string out;
  void line(const std::string& name, const std::string& value) {
    if (!is_location_option(name) && !is_test_option(name)) out += name + " = " + value + "\n";
  }
  void text(const std::string& name, const std::string& v, const std::string&) { line(name, toml_string(v)); }
  template <typename E>
  void choice(const std::string& name, E v, const std::string&) {
    line(name, toml_string(name_of(v)));
  }
  void number(const std::string& name, double v, const Range&, const std::string&) { line(name, toml_number(v)); }
  template <typename Int>
  void integer(const std::string& name, Int v, const Range&, const std::string&) {
    line(name, toml_integer(static_cast<int64_t>(v)));
  }
  void numbers(const std::string& name, const std::vector<double>& v, const Range&, const std::string&) {
    line(name, toml_string(numbers_text(v)));
  }
  void flag(const std::string& name, bool v, const std::string&) { line(name, toml_bool(v)); }
};

// The command-line text of one option.
struct TextGetter {
  const std::string& wanted;
  std::string value;
  void text(const std::string& name, const std::string& v, const std::string&) {
    if (name == wanted) value = v;
  }
  template <typename E>
  void choice(const std::string& name, E v, const std::string&) {
    if (name == wanted) value = name_of(v);
  }
  void number(const std::string& name, double v, const Range&, const std::string&) {
    if (name == wanted) value = toml_number(v);
  }
  template <typename Int>
  void integer(const std::string& name, Int v, const Range&, const std::string&) {
    if (name == wanted) value = std::to_string(v);
  }
  void numbers(const std::string& name, const std::vector<double>& v, const Range&, const std::string&) {
    if (name == wanted) value = numbers_text(v);
  }
  void flag(const std::string& name, bool v, const std::string&) {
    if (name == wanted) value = toml_bool(v);
  }
};

}  // namespace

void set_option(TrainConfig& c, const std::string& name, const std::string& text) {
  TextSetter setter{name, text};
  visit_train_options(c, setter);
  HSGD_CHECK(setter.found, "no option --", name);
}

void read_config_file(const std::string& path, TrainConfig& c, const std::function<bool(const std::string&)>& skip,
                      const ExtraOptions& extra) {
  read_config_text(read_bounded_text_file(path, kMaxConfigFileBytes, "the config file"), path, c, skip, extra);
}

void read_config_text(const std::string& text, const std::string& path, TrainConfig& c,
                      const std::function<bool(const std::string&)>& skip, const ExtraOptions& extra) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  TomlReader reader{table, path, skip, {}};
  visit_train_options(c, reader);
  for (const auto& [name, field] : extra) {
    std::string ignored_help;
    reader.text(name, *field, ignored_help);
  }
  for (auto&& [key, value] : table) {
    const std::string k(key.str());
    bool known = false;
    for (const auto& u : reader.used) known |= u == k;
    if (!known)
      throw ConfigError(reader.where(value) + ": unknown key '" + k + "' (the keys are the options of hsgd train; "
                        "see hsgd train --help)");
  }
}

void apply_sim_profile(TrainConfig& c, const std::function<bool(const std::string&)>& given) {
  if (c.sim_profile.empty()) return;
  for (const auto& [name, text] : sim::find_profile(c.sim_profile).options)
    if (!given(name)) set_option(c, name, text);
}

std::string config_toml(const TrainConfig& c, const std::string& command) {
  TomlWriter writer;
  visit_train_options(c, writer);
  return "# hsgd " + command + " configuration; repeat the run in a new folder with:\n#   hsgd " + command +
         " --config THIS_FILE\n# out = " + toml_string(c.out_dir) + "\n" + writer.out;
}

std::string option_text(const TrainConfig& c, const std::string& name) {
  TextGetter getter{name, {}};
  visit_train_options(c, getter);
  return getter.value;
}

}  // namespace hsgd
