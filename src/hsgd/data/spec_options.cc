// spec_options.cc: see spec_options.h.
#include "hsgd/data/spec_options.h"

#include <algorithm>

#include "hsgd/common/error.h"

namespace hsgd {
namespace {

// "key" when `item` starts with [a-z-]+ followed by '=', else "".
std::string option_key(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) return "";
  const bool word = std::all_of(item.begin(), item.begin() + static_cast<long>(eq),
                                [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
  return word ? item.substr(0, eq) : "";
}

std::string key_list(const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

// A whole number in [lo, hi] written in decimal digits, or -1.
long long whole_number(const std::string& text, long long lo, long long hi) {
  if (text.empty() || text.size() > 12) return -1;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v >= lo && v <= hi ? v : -1;
}

}  // namespace

std::string SpecItems::value(const std::string& key, const std::string& fallback) const {
  const auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

SpecItems split_spec_items(const std::string& spec, const std::string& body, const std::vector<std::string>& keys) {
  SpecItems items;
  items.spec = spec;
  size_t start = 0;
  while (true) {
    const size_t end = body.find(',', start);
    const std::string item = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (item.empty()) throw ConfigError("--data " + spec + ": empty item (two commas in a row, or one at an end)");
    const std::string key = option_key(item);
    if (key.empty()) {
      items.files.push_back(item);
    } else if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw ConfigError("--data " + spec + ": unknown option '" + key + "' (options: " + key_list(keys) +
                        "; write a file whose name starts like an option as ./NAME)");
    } else if (!items.options.emplace(key, item.substr(key.size() + 1)).second) {
      throw ConfigError("--data " + spec + ": " + key + " is given twice");
    }
    if (end == std::string::npos) return items;
    start = end + 1;
  }
}

int spec_integer(const SpecItems& items, const std::string& key, int lo, int hi, int fallback) {
  if (!items.has(key)) return fallback;
  const std::string text = items.value(key);
  const long long v = whole_number(text, lo, hi);
  if (v < 0)
    throw ConfigError("--data " + items.spec + ": " + key + "=" + text + " must be a whole number in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

int spec_classes(const SpecItems& items) { return spec_integer(items, "classes", kMinClasses, kMaxClasses, 0); }

ImageShape parse_image_shape(const std::string& spec, const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return ConfigError("--data " + spec + ": shape=" + text + " " + why +
                       " (shape=CxHxW: channels in [1, 64], height and width in [1, 4096], e.g. shape=3x32x32)");
  };
  const auto x1 = text.find('x');
  const auto x2 = x1 == std::string::npos ? x1 : text.find('x', x1 + 1);
  if (x2 == std::string::npos || text.find('x', x2 + 1) != std::string::npos) throw bad("is not CxHxW");
  const long long c = whole_number(text.substr(0, x1), 1, 64);
  const long long h = whole_number(text.substr(x1 + 1, x2 - x1 - 1), 1, 4096);
  const long long w = whole_number(text.substr(x2 + 1), 1, 4096);
  if (c < 0 || h < 0 || w < 0) throw bad("is out of range");
  if (c * h * w > (1LL << 24)) throw bad("is more than 2^24 bytes per image");
  return {static_cast<int>(c), static_cast<int>(h), static_cast<int>(w)};
}

}  // namespace hsgd
