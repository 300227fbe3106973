// compare_cli_test.cc: `hsgd compare --seeds N` as a user runs it: every
// number it prints is the one `hsgd report` computes from the same runs
// (tables.csv, modes.csv and REPORT.md of the same folder), with "n/a" and no
// zero-width interval from one seed, and its folder is a results folder that
// `hsgd report` rebuilds.
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::hsgd;

// A tiny comparison in the simulator: 4 workers, 4 virtual seconds; hybrid's K grows every 20 gradients.
const std::string kTinyCompare =
    "compare --runtime sim --model mlp --data synthetic:samples=2000 --workers 4 --seconds 4 --eval-every 0.5 "
    "--schedule step:S=20 --lr 0.05 --no-figures";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A CSV file's rows, keyed by the fields at `key_columns` joined with spaces.
std::map<std::string, std::vector<std::string>> csv_rows(const fs::path& p, const std::vector<size_t>& key_columns) {
  std::map<std::string, std::vector<std::string>> rows;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    std::string key;
    for (size_t c : key_columns) key += (key.empty() ? "" : " ") + f.at(c);
    rows[key] = f;
  }
  return rows;
}

// "+1.23 [+0.45, +2.01]" -> {1.23, 0.45, 2.01}
std::vector<double> ci_numbers(const std::string& text) {
  std::smatch m;
  EXPECT_TRUE(std::regex_match(text, m, std::regex(R"(([-+]?[0-9.]+) \[([-+]?[0-9.]+), ([-+]?[0-9.]+)\])"))) << text;
  return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3])};
}

// The printed mean and interval agree with the CSV's (6 significant digits) to the printed 2 decimals.
void expect_same_ci(const std::string& printed, const std::vector<std::string>& row, size_t mean_column,
                    const std::string& what) {
  const std::vector<double> v = ci_numbers(printed);
  EXPECT_NEAR(v[0], std::stod(row.at(mean_column)), 0.005 + 1e-9) << what << " mean";
  EXPECT_NEAR(v[1], std::stod(row.at(mean_column + 2)), 0.005 + 1e-9) << what << " low";
  EXPECT_NEAR(v[2], std::stod(row.at(mean_column + 3)), 0.005 + 1e-9) << what << " high";
}

TEST(Compare, PrintsTheNumbersTheReportComputesFromTheSameRuns) {
  testing::TempDir dir;
  const std::string out = dir.file("c");
  const CommandResult r = hsgd(kTinyCompare + " --seeds 3 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* mode : {"sync", "async", "hybrid"})
    for (int seed = 1; seed <= 3; ++seed)
      EXPECT_TRUE(fs::exists(out + "/runs/base/" + mode + "-seed" + std::to_string(seed) + "/metrics.csv"));
  const std::string printed_report = read(out + "/REPORT.md");

  // `hsgd report` on the folder: the same report, from the files alone.
  const CommandResult rebuilt = hsgd("report " + out + " --no-figures");
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.output;
  const std::string md = read(out + "/REPORT.md");
  EXPECT_EQ(md, printed_report);
  const auto modes = csv_rows(out + "/modes.csv", {3, 4, 5});   // mode metric over
  const auto tables = csv_rows(out + "/tables.csv", {3, 4, 5});  // comparison metric over

  // Per mode: "sync     84.12 [83.90, 84.34]          86.00 [85.10, 86.90]"
  const std::regex mode_line(R"((sync|async|hybrid) +(\S+ \[[^\]]+\]) +(\S+ \[[^\]]+\]))");
  int mode_lines = 0;
  for (std::sregex_iterator it(r.output.begin(), r.output.end(), mode_line), end; it != end; ++it, ++mode_lines) {
    const std::string mode = (*it)[1];
    expect_same_ci((*it)[2], modes.at(mode + " test_accuracy run"), 7, mode + " run average");
    expect_same_ci((*it)[3], modes.at(mode + " test_accuracy final"), 7, mode + " final");
    EXPECT_CONTAINS(md, "| " + std::string((*it)[2]) + " | " + std::string((*it)[3]) + " |");
  }
  EXPECT_EQ(mode_lines, 3) << r.output;

  // "hybrid - async: +0.12 [-0.10, +0.34] points averaged over the run, p = 0.210; final +0.30 [...], p < 0.001"
  const std::regex diff_line(
      R"(hybrid - (async|sync): (\S+ \[[^\]]+\]) points averaged over the run, p ([=<] \S+); final (\S+ \[[^\]]+\]), p ([=<] \S+))");
  int diff_lines = 0;
  for (std::sregex_iterator it(r.output.begin(), r.output.end(), diff_line), end; it != end; ++it, ++diff_lines) {
    const std::string other = (*it)[1];
    const auto& run = tables.at("hybrid-" + other + " test_accuracy run");
    const auto& final = tables.at("hybrid-" + other + " test_accuracy final");
    EXPECT_EQ(run.at(6), "3");
    expect_same_ci((*it)[2], run, 7, "hybrid - " + other);
    expect_same_ci((*it)[4], final, 7, "hybrid - " + other + " final");
    for (const auto& [p_text, row] : {std::pair{std::string((*it)[3]), run}, std::pair{std::string((*it)[5]), final}}) {
      if (p_text == "< 0.001") EXPECT_LT(std::stod(row.at(11)), 0.001);
      else EXPECT_NEAR(std::stod(p_text.substr(2)), std::stod(row.at(11)), 0.0005 + 1e-9) << other;
    }
    // REPORT.md's hybrid - other table shows the very same text ("<0.001" there for "p < 0.001").
    const std::string p_run = std::string((*it)[3]) == "< 0.001" ? "<0.001" : std::string((*it)[3]).substr(2);
    EXPECT_CONTAINS(md, std::string((*it)[2]) + " | " + p_run + " |");
  }
  EXPECT_EQ(diff_lines, 2) << r.output;

  EXPECT_CONTAINS(r.output, "verdict: ");
  EXPECT_CONTAINS(r.output, "3 seeds)");
  EXPECT_EQ(r.output.find("n/a"), std::string::npos) << r.output;
  const std::string json = read(out + "/compare.json");
  EXPECT_CONTAINS(json, "\"verdict\"");
  EXPECT_CONTAINS(json, "\"hybrid_minus_async\"");
  // The claim over time: the paired difference curves and their figure script, on a virtual time axis.
  EXPECT_TRUE(fs::exists(out + "/curves/base-hybrid-minus-async.csv"));
  EXPECT_TRUE(fs::exists(out + "/curves/base-hybrid-minus-sync.csv"));
  EXPECT_CONTAINS(read(out + "/figures/base-differences.gp"), "set xlabel 'virtual time (s)'");
  EXPECT_CONTAINS(read(out + "/figures/base.gp"), "set xlabel 'virtual time (s)'");
  EXPECT_CONTAINS(md, "Reproduce: `hsgd compare --config " + out + "/config.toml --out NEW_FOLDER`");

  // A results folder of its one-cell suite: the suite runner finds every run done.
  const CommandResult resumed = hsgd("experiment " + out + "/suite.toml --out " + out + " --no-figures");
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_CONTAINS(resumed.output, "0 runs done now, 9 before");
}

TEST(Compare, OneSeedHasNoIntervalAndNoPValue) {
  testing::TempDir dir;
  const CommandResult r = hsgd(kTinyCompare + " --modes async,hybrid --out " + dir.file("c"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "over 1 seed:");
  EXPECT_CONTAINS(r.output, "[n/a] points averaged over the run, p = n/a");
  EXPECT_CONTAINS(r.output, "verdict: none from 1 seed, which gives no interval or p-value (hybrid - async ");
  EXPECT_EQ(r.output.find("p = 1.000"), std::string::npos) << r.output;
  EXPECT_CONTAINS(read(dir.file("c/REPORT.md")), "[n/a] | n/a |");
  EXPECT_TRUE(fs::exists(dir.file("c/runs/base/hybrid-seed1/metrics.csv")));
}

TEST(Compare, TheVerdictSaysWhetherTheIntervalExcludesAReferenceDifference) {
  testing::TempDir dir;
  const CommandResult r =
      hsgd(kTinyCompare + " --modes async,hybrid --seeds 3 --reference-difference 90 --out " + dir.file("c"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, ") excludes the reference +90.00 points");
  const auto json = nlohmann::json::parse(read(dir.file("c/compare.json")));
  EXPECT_TRUE(json["statistics"]["reference"]["excluded"].get<bool>());
  EXPECT_EQ(json["statistics"]["reference"]["hybrid_minus_async"].get<double>(), 90.0);
  EXPECT_CONTAINS(read(dir.file("c/config.toml")), "reference-difference = \"90\"");
  const CommandResult bad = hsgd(kTinyCompare + " --reference-difference 101 --out " + dir.file("d"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_CONTAINS(bad.output, "--reference-difference = 101: must be a number of points in [-100, 100]");
  EXPECT_FALSE(fs::exists(dir.file("d")) || fs::exists(dir.file("d.partial")));
}

TEST(Compare, AFolderThatHoldsAComparisonIsNeverOverwritten) {
  testing::TempDir dir;
  ASSERT_EQ(hsgd(kTinyCompare + " --modes async,hybrid --out " + dir.file("c")).status, 0);
  const std::string before = read(dir.file("c/compare.json"));
  const CommandResult again = hsgd(kTinyCompare + " --modes async,hybrid --out " + dir.file("c"));
  EXPECT_EQ(again.status, 1) << again.output;
  EXPECT_CONTAINS(again.output, "holds a run");
  EXPECT_EQ(read(dir.file("c/compare.json")), before);
}

}  // namespace
}  // namespace hsgd
