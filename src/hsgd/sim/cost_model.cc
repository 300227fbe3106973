// cost_model.cc
#include "hsgd/sim/cost_model.h"

#include <cmath>
#include <sstream>

#include "hsgd/common/error.h"

namespace hsgd::sim {

std::vector<double> parse_speed_factors(const std::string& text) {
  std::vector<double> factors;
  if (text.empty()) return factors;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    size_t used = 0;
    double v = NAN;
    try {
      v = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || !std::isfinite(v) || v <= 0)
      throw ConfigError("--sim-speeds " + text + ": '" + part + "' is not a positive number");
    factors.push_back(v);
  }
  return factors;
}

}  // namespace hsgd::sim
