// toml_text.h: values written as TOML text (config.toml, suite requests).
#pragma once

#include <cstdint>
#include <string>

namespace hsgd {

std::string toml_string(const std::string& s);  // a basic string, escaped
std::string toml_number(double v);              // the shortest text that reads back exactly; nan, inf
std::string toml_integer(int64_t v);
std::string toml_bool(bool b);

}  // namespace hsgd
