// stats.h: the statistics of an experiment's tables: mean, sample standard
// deviation, a 95% confidence interval from Student's t, and the paired
// t-test over seeds (hybrid and async share a seed, hence its initial weights,
// shards and delays, so the per-seed differences are the paired sample).
#pragma once

#include <vector>

namespace hsgd::stats {

// Student's t distribution with `df` degrees of freedom: P(T <= t).
double student_t_cdf(double t, double df);
// The q-quantile (0 < q < 1) of Student's t with `df` degrees of freedom.
double student_t_quantile(double q, double df);

struct Summary {
  int n = 0;
  double mean = 0;
  double stddev = 0;     // sample standard deviation (n - 1); NaN for n < 2
  double ci95_low = 0;   // mean -/+ t(0.975, n-1) * stddev / sqrt(n); NaN for n < 2 (no interval
  double ci95_high = 0;  //   from one value: never a zero-width one)
  double p_value = 1;    // two-sided one-sample t-test of mean = 0; NaN for n < 2, 1 for no variance and mean 0
};

// Summary of the values (NaN values are skipped).
Summary summarize(const std::vector<double>& values);

}  // namespace hsgd::stats
