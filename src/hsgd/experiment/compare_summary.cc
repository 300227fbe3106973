// compare_summary.cc: see compare_summary.h.
#include "hsgd/experiment/compare_summary.h"

#include <cstdio>

#include "hsgd/experiment/report_data.h"
#include "hsgd/experiment/report_format.h"
#include "hsgd/experiment/throughput_check.h"

namespace hsgd {
namespace {

using report::fmt;
using report::fmt_ci;
using report::fmt_p;
using report::Metric;
using report::Over;

constexpr int kAccuracyDecimals = 2;  // as REPORT.md writes test accuracy

nlohmann::json summary_json(const stats::Summary& s) {
  return {{"n", s.n}, {"mean", s.mean}, {"stddev", s.stddev}, {"ci95_low", s.ci95_low},
          {"ci95_high", s.ci95_high}, {"p_value", s.p_value}};
}

// Every metric, over the run and final, of a set of summaries.
nlohmann::json summaries_json(const report::Summaries& summaries) {
  nlohmann::json j;
  for (Over o : report::kOvers)
    for (Metric m : report::kMetrics) j[report::name_of(o)][report::info(m).name] = summary_json(summaries(o, m));
  return j;
}

std::string mode_lines(const Suite& suite, const report::CellResult& cell) {
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-32s %s\n", "mode", "test accuracy (%): run average", "final");
  std::string text = line;
  for (const auto& mode : suite.modes) {
    const report::Summaries& s = cell.mode_stats.at(mode);
    std::snprintf(line, sizeof line, "%-8s %-32s %s\n", mode.c_str(),
                  fmt_ci(s(Over::kRun, Metric::kTestAccuracy), kAccuracyDecimals, false).c_str(),
                  fmt_ci(s(Over::kFinal, Metric::kTestAccuracy), kAccuracyDecimals, false).c_str());
    text += line;
  }
  return text;
}

std::string difference_line(const std::string& other, const report::Summaries& d) {
  const stats::Summary& run = d(Over::kRun, Metric::kTestAccuracy);
  const stats::Summary& final = d(Over::kFinal, Metric::kTestAccuracy);
  return "hybrid - " + other + ": " + fmt_ci(run, kAccuracyDecimals) + " points averaged over the run, " +
         report::p_clause(run.p_value) + "; final " + fmt_ci(final, kAccuracyDecimals) + ", " +
         report::p_clause(final.p_value) + "\n";
}

// "hybrid beats async by 0.12 points (95% CI 0.05..0.19, p = 0.004, 5 seeds)": the interval of the winner's
// lead; "no significant difference ..." with hybrid - other's; from one seed, only the difference.
std::string verdict_on(const std::string& other, const stats::Summary& s) {
  if (s.n < 2) return "hybrid - " + other + " " + fmt(s.mean, kAccuracyDecimals, true) + " points";
  const std::string tail = report::p_clause(s.p_value) + ", " + std::to_string(s.n) + " seeds)";
  if (!report::significant(s))
    return "no significant difference between hybrid and " + other + " (hybrid - " + other + " " +
           fmt(s.mean, kAccuracyDecimals, true) + " points, 95% CI " + fmt(s.ci95_low, kAccuracyDecimals, true) +
           ".." + fmt(s.ci95_high, kAccuracyDecimals, true) + ", " + tail;
  const bool hybrid_wins = s.mean > 0;
  const double low = hybrid_wins ? s.ci95_low : -s.ci95_high, high = hybrid_wins ? s.ci95_high : -s.ci95_low;
  return std::string(hybrid_wins ? "hybrid" : other) + " beats " + (hybrid_wins ? other : "hybrid") + " by " +
         fmt(std::fabs(s.mean), kAccuracyDecimals) + " points (95% CI " + fmt(low, kAccuracyDecimals) + ".." +
         fmt(high, kAccuracyDecimals) + ", " + tail;
}

// Whether hybrid - async's interval excludes a published difference, for the
// verdict: "the 95% CI of hybrid - async (-0.66..+0.13) excludes the reference +1.37".
std::string reference_clause(const stats::Summary& s, double reference) {
  const bool excluded = reference < s.ci95_low || reference > s.ci95_high;
  return "the 95% CI of hybrid - async (" + fmt(s.ci95_low, kAccuracyDecimals, true) + ".." +
         fmt(s.ci95_high, kAccuracyDecimals, true) + ") " + (excluded ? "excludes" : "includes") + " the reference " +
         fmt(reference, kAccuracyDecimals, true) + " points";
}

// What the throughput checks found, in one line (the warnings follow it).
std::string throughput_line(size_t checks, size_t warnings) {
  const std::string share = std::to_string(static_cast<int>(100 * kThroughputWarningShare + 0.5)) + "%";
  if (checks == 0)
    return "throughput check: no window from the start in which hybrid and another mode had the same K\n";
  if (warnings == 0)
    return "throughput check: under the same K, hybrid and the other mode received gradients within " + share +
           " of each other (" + std::to_string(checks) + " checks, in compare.json)\n";
  return "throughput check: " + std::to_string(warnings) + " of " + std::to_string(checks) +
         " checks found rates more than " + share + " apart under the same K\n";
}

}  // namespace

CompareSummary summarize_compare(const Suite& suite, const std::filesystem::path& root, bool with_throughput,
                                 std::optional<double> reference) {
  const report::CellResults cells = report::load_cells(suite, root);
  const report::CellResult& cell = cells.begin()->second;
  CompareSummary out;
  out.text = "over " + std::to_string(suite.seeds.size()) + (suite.seeds.size() == 1 ? " seed" : " seeds") +
             ": mean [95% CI, Student's t]; hybrid - other paired by seed, p from the paired t-test\n";
  out.text += mode_lines(suite, cell);
  for (const auto& mode : suite.modes) out.json["modes"][mode] = summaries_json(cell.mode_stats.at(mode));
  for (const auto& [other, d] : cell.diff) {
    out.text += difference_line(other, d);
    out.json["hybrid_minus_" + other] = summaries_json(d);
    out.verdict += (out.verdict.empty() ? "" : "; ") + verdict_on(other, d(Over::kRun, Metric::kTestAccuracy));
  }
  if (out.verdict.empty()) out.verdict = "no verdict: hybrid and async or sync are needed (--modes)";
  else if (suite.seeds.size() < 2)
    out.verdict = "none from 1 seed, which gives no interval or p-value (" + out.verdict +
                  "); use --seeds 2 or more, 5 for a verdict you can trust";
  const auto async = cell.diff.find("async");
  if (reference && async != cell.diff.end() && async->second(Over::kRun, Metric::kTestAccuracy).n >= 2) {
    const stats::Summary& d = async->second(Over::kRun, Metric::kTestAccuracy);
    out.verdict += "; " + reference_clause(d, *reference);
    out.json["reference"] = {{"hybrid_minus_async", *reference},
                             {"excluded", *reference < d.ci95_low || *reference > d.ci95_high}};
  }
  out.json["throughput_checks"] = nlohmann::json::array();
  if (with_throughput)
    for (const ThroughputCheck& c : check_throughput(cell)) {
      out.json["throughput_checks"].push_back({{"seed", c.seed}, {"other", c.other}, {"k", c.k},
                                               {"window_s", c.window_s}, {"hybrid_rate", c.hybrid_rate},
                                               {"other_rate", c.other_rate}, {"share", c.share},
                                               {"exceeds", c.exceeds}, {"message", c.message}});
      if (c.exceeds) out.warnings.push_back(c.message);
    }
  if (with_throughput) out.text += throughput_line(out.json["throughput_checks"].size(), out.warnings.size());
  for (const auto& w : out.warnings) out.text += "warning: " + w + "\n";
  out.text += "verdict: " + out.verdict + "\n";
  out.json["verdict"] = out.verdict;
  out.json["warnings"] = out.warnings;
  out.json["throughput_warning_share"] = kThroughputWarningShare;
  return out;
}

}  // namespace hsgd
