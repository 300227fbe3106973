// enum_names.h: the names of an enum's values, both ways, from one table per
// enum. An enum opts in with a specialisation next to its definition:
//
//   template <> struct EnumNames<Mode> {
//     static constexpr const char* kind = "mode";   // for messages: "unknown mode"
//     static constexpr std::pair<Mode, const char*> values[] = {{Mode::kAsync, "async"}, ...};
//   };
//
// Options hold enums; names appear only at the boundary (command line,
// config files, JSON, messages), never in hot paths.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace hsgd {

template <typename E>
struct EnumNames;  // specialised per enum

template <typename E>
const char* name_of(E value) {
  for (const auto& [v, name] : EnumNames<E>::values)
    if (v == value) return name;
  return "?";
}

template <typename E>
std::optional<E> enum_from_name(const std::string& name) {
  for (const auto& [v, n] : EnumNames<E>::values)
    if (name == n) return v;
  return std::nullopt;
}

// "sync, async or hybrid"
template <typename E>
std::string enum_choices() {
  std::string out;
  const size_t n = std::size(EnumNames<E>::values);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += EnumNames<E>::values[i].second;
  }
  return out;
}

}  // namespace hsgd
