// toml_text.h: TOML text of single values, for the files hsgd writes and reads
// back (a run's request.toml and config.toml). One writer, so the suite runner
// and the command line quote and round numbers the same way.
#pragma once

#include <cstdint>
#include <string>

namespace hsgd {

// A TOML basic string: in double quotes, with `"` and `\` escaped and every
// control character (U+0000-U+001F, U+007F) written as \b \t \n \f \r or
// \uXXXX. Other bytes are copied as they are (TOML files are UTF-8).
std::string toml_string(const std::string& s);

// The shortest "%.Ng" text (N = 6..17) that reads back as exactly `v`:
// 0.01 -> "0.01", 1e-05 -> "1e-05". An integral value has no decimal point
// (32.0 -> "32") and reads back as a TOML integer of the same value. NaN and
// infinities are TOML's nan, inf and -inf.
std::string toml_number(double v);

std::string toml_integer(int64_t v);
std::string toml_bool(bool v);

}  // namespace hsgd
