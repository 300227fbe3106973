// delay_model.cc
#include "hsgd/runtime/delay_model.h"

#include <cmath>
#include <numeric>

#include "hsgd/common/error.h"

namespace hsgd {

void check_delay_distribution(const std::string& d) {
  if (d != "none" && d != "half-normal" && d != "exponential" && d != "fixed")
    throw ConfigError("--delay " + d + ": unknown distribution; expected none, half-normal, exponential or fixed");
}

DelayModel::DelayModel(const std::string& distribution, double fraction, double scale, int workers, uint64_t seed)
    : distribution_(distribution), fraction_(fraction), scale_(scale), delayed_(workers, 0) {
  check_delay_distribution(distribution);
  std::vector<int> order(workers);
  std::iota(order.begin(), order.end(), 0);
  Rng pick(derive_seed(seed, 0xDE1A));
  pick.shuffle(order);
  const int count = distribution == "none" ? 0 : static_cast<int>(std::lround(fraction * workers));
  for (int i = 0; i < count; ++i) delayed_[order[i]] = 1;
  for (int w = 0; w < workers; ++w) streams_.emplace_back(derive_seed(seed, 0xDE1A0000ull + w));
}

int DelayModel::delayed_count() const { return static_cast<int>(std::accumulate(delayed_.begin(), delayed_.end(), 0)); }

double DelayModel::next(int worker) {
  if (!delayed_[worker]) return 0.0;
  Rng& rng = streams_[worker];
  if (distribution_ == "half-normal") return std::abs(rng.normal()) * scale_;
  if (distribution_ == "exponential") return rng.exponential(scale_);
  return scale_;  // fixed
}

std::string DelayModel::describe() const {
  if (distribution_ == "none" || delayed_count() == 0) return "none";
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s, scale %g s, on %d of %zu workers", distribution_.c_str(), scale_, delayed_count(),
                delayed_.size());
  return buf;
}

}  // namespace hsgd
