// throughput_check.cc: see throughput_check.h.
#include "hsgd/experiment/throughput_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hsgd {
namespace {

// The row in effect at time t: the last evaluation at or before it (nullptr before the first).
const MetricsRow* row_at(const std::vector<MetricsRow>& rows, double t) {
  const MetricsRow* found = nullptr;
  for (const auto& r : rows) {
    if (r.time_s > t) break;
    found = &r;
  }
  return found;
}

// Gradients received by time t, linear between the evaluations around it.
double gradients_at(const std::vector<MetricsRow>& rows, double t) {
  const auto after = std::find_if(rows.begin(), rows.end(), [t](const MetricsRow& r) { return r.time_s >= t; });
  if (after == rows.end()) return static_cast<double>(rows.back().gradients);
  if (after == rows.begin() || after->time_s == t) return static_cast<double>(after->gradients);
  const MetricsRow& before = *(after - 1);
  const double w = (t - before.time_s) / (after->time_s - before.time_s);
  return (1 - w) * static_cast<double>(before.gradients) + w * static_cast<double>(after->gradients);
}

// The last evaluation time of hybrid up to which the other run had the same K
// at each of hybrid's evaluations (0 when there is none after the start).
double same_k_window(const std::vector<MetricsRow>& hybrid, const std::vector<MetricsRow>& other, uint64_t& k) {
  double end = 0;
  for (const auto& h : hybrid) {
    const MetricsRow* o = row_at(other, h.time_s);
    if (o == nullptr || o->k != h.k || h.time_s > other.back().time_s) break;
    end = h.time_s;
    k = h.k;
  }
  return end;
}

std::string describe(const ThroughputCheck& c, double max_share) {
  char buf[640];
  const bool hybrid_faster = c.hybrid_rate > c.other_rate;
  if (c.exceeds)
    std::snprintf(buf, sizeof buf,
                  "seed %llu: hybrid and %s had the same K = %llu for the first %.1f s, yet hybrid received %.1f "
                  "gradients/s and %s %.1f/s (%s %.0f%% more, over the %.0f%% allowed): under the same K the modes do "
                  "the same work per gradient, so the gap is the machine's scheduling (more threads than cores, other "
                  "load), and hybrid - %s may be mostly scheduling noise; use --runtime sim, or more seeds",
                  static_cast<unsigned long long>(c.seed), c.other.c_str(), static_cast<unsigned long long>(c.k),
                  c.window_s, c.hybrid_rate, c.other.c_str(), c.other_rate, hybrid_faster ? "hybrid" : c.other.c_str(),
                  100 * c.share, 100 * max_share, c.other.c_str());
  else
    std::snprintf(buf, sizeof buf,
                  "seed %llu: hybrid and %s had the same K = %llu for the first %.1f s and received %.1f and %.1f "
                  "gradients/s (%.0f%% apart, within the %.0f%% allowed)",
                  static_cast<unsigned long long>(c.seed), c.other.c_str(), static_cast<unsigned long long>(c.k),
                  c.window_s, c.hybrid_rate, c.other_rate, 100 * c.share, 100 * max_share);
  return buf;
}

}  // namespace

std::vector<ThroughputCheck> check_throughput(const report::CellResult& cell, double max_share) {
  std::vector<ThroughputCheck> checks;
  if (!cell.has("hybrid")) return checks;
  for (const std::string other : {"async", "sync"}) {
    if (!cell.has(other)) continue;
    for (const auto& [seed, hybrid] : cell.modes.at("hybrid")) {
      const auto o = cell.modes.at(other).find(seed);
      if (o == cell.modes.at(other).end() || hybrid.rows.empty() || o->second.rows.empty()) continue;
      ThroughputCheck c;
      c.seed = seed;
      c.other = other;
      c.window_s = same_k_window(hybrid.rows, o->second.rows, c.k);
      if (c.window_s <= 0) continue;
      c.hybrid_rate = gradients_at(hybrid.rows, c.window_s) / c.window_s;
      c.other_rate = gradients_at(o->second.rows, c.window_s) / c.window_s;
      const double slower = std::min(c.hybrid_rate, c.other_rate);
      c.share = slower > 0 ? std::fabs(c.hybrid_rate - c.other_rate) / slower : (c.hybrid_rate == c.other_rate ? 0 : INFINITY);
      c.exceeds = c.share > max_share;
      c.message = describe(c, max_share);
      checks.push_back(c);
    }
  }
  return checks;
}

}  // namespace hsgd
