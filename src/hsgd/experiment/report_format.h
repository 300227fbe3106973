// report_format.h: how the report and `hsgd compare` write numbers as text,
// so that both print the very same strings for the same statistics:
//   fmt(1.234, 2, true)  "+1.23"      NaN: "n/a"
//   fmt_p(0.0004)        "<0.001"     NaN (fewer than 2 seeds): "n/a"; p_clause: "p < 0.001"
//   fmt_ci(summary, 2)   "+1.23 [+0.45, +2.01]"; with fewer than 2 values "+1.23 [n/a]"
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "hsgd/experiment/stats.h"

namespace hsgd::report {

inline std::string fmt(double v, int decimals, bool sign = false) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

inline std::string fmt_p(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p < 0.001) return "<0.001";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", p);
  return buf;
}

// "p = 0.210", "p < 0.001", "p = n/a".
inline std::string p_clause(double p) {
  const std::string text = fmt_p(p);
  return text[0] == '<' ? "p < " + text.substr(1) : "p = " + text;
}

// A mean and its 95% confidence interval.
inline std::string fmt_ci(const stats::Summary& s, int decimals, bool sign = true) {
  if (!std::isfinite(s.ci95_low) || !std::isfinite(s.ci95_high)) return fmt(s.mean, decimals, sign) + " [n/a]";
  return fmt(s.mean, decimals, sign) + " [" + fmt(s.ci95_low, decimals, sign) + ", " + fmt(s.ci95_high, decimals, sign) +
         "]";
}

// Significant at the 5% level (never with fewer than 2 values: p is NaN then).
inline bool significant(const stats::Summary& s) { return s.p_value < 0.05; }

}  // namespace hsgd::report
