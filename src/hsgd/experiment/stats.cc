// stats.cc: see stats.h. The t distribution's CDF goes through the
// regularised incomplete beta function, evaluated by its continued fraction
// (modified Lentz), which converges fast for the x we pass it.
#include "hsgd/experiment/stats.h"

#include <cmath>

#include "hsgd/common/error.h"

namespace hsgd::stats {
namespace {

// Continued fraction of the incomplete beta function (valid for x < (a+1)/(a+b+2)).
double beta_continued_fraction(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return h;
}

// I_x(a, b), the regularised incomplete beta function.
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, 1 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double df) {
  HSGD_CHECK(df > 0, "degrees of freedom ", df);
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));  // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double q, double df) {
  HSGD_CHECK(q > 0 && q < 1, "quantile ", q);
  double lo = -1e6, hi = 1e6;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * (1 + std::fabs(lo)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Summary summarize(const std::vector<double>& values) {
  Summary s;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++s.n;
    }
  if (s.n == 0) {
    s.mean = s.ci95_low = s.ci95_high = NAN;
    return s;
  }
  s.mean = sum / s.n;
  if (s.n < 2) {  // one value has no spread: no interval and no test
    s.stddev = s.ci95_low = s.ci95_high = s.p_value = NAN;
    return s;
  }
  double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(squares / (s.n - 1));
  const double se = s.stddev / std::sqrt(static_cast<double>(s.n));
  const double half = student_t_quantile(0.975, s.n - 1) * se;
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  if (se > 0) s.p_value = 2 * (1 - student_t_cdf(std::fabs(s.mean / se), s.n - 1));
  else s.p_value = s.mean == 0 ? 1 : 0;
  return s;
}

}  // namespace hsgd::stats
