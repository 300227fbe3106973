// run_end_test.cc: every runtime ends a run in the same documented ways, as
// a user meets them: SIGTERM mid-run (summary with the stop reason, exit
// 143), divergence (stops at once, exit 5, summary says diverged), and a
// folder that holds a run is never overwritten by accident. The mpi runtime's
// cases are in mpi_test.cc (they need mpirun).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;

using testing::summary_of;

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class RunEnds : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { testing::write_idx_folder(dir_.str(), 600, 100); }
  // `hsgd train` on the test's IDX data with this runtime.
  std::string train(const std::string& args) const {
    return "train --runtime " + GetParam() + " --model ray-tiny --data idx:" + dir_.str() +
           " --workers 3 --batch-size 16 --delay none --threads 1 " + args;
  }
  testing::TempDir dir_;
};

TEST_P(RunEnds, SigtermStopsTheRunWithItsSummaryAndExitStatus143) {
  const std::string out = dir_.file("run");
  // The simulator runs far faster than real time: give it a budget it cannot reach either.
  const std::string seconds = GetParam() == "sim" ? "900000" : "600";
  const std::string launch = std::string(HSGD_BINARY) + " " + train("--seconds " + seconds + " --eval-every 1 --out " + out);
  // Start, wait for the first row, let it train for a second, SIGTERM it, time how long it takes to end.
  const std::string script = "(" + launch + " > " + dir_.file("log") + " 2>&1 & p=$!; "
                             "for i in $(seq 600); do [ -s " + out + ".partial/metrics.csv ] && break; sleep 0.05; done; "
                             "sleep 1; kill -TERM $p; s=$(date +%s%N); wait $p; rc=$?; "
                             "echo $(( ($(date +%s%N) - s) / 1000000 )) > " + dir_.file("stop_ms") + "; exit $rc)";
  EXPECT_EQ(testing::shell(script), 143) << text_of(dir_.file("log"));
  EXPECT_LT(std::stol(text_of(dir_.file("stop_ms"))), 10000) << "the run took too long to stop";
  ASSERT_TRUE(fs::exists(out + "/summary.json")) << text_of(dir_.file("log"));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  const auto s = summary_of(out);
  EXPECT_EQ(s["status"], "terminated");
  EXPECT_EQ(s["stop_reason"], "terminated (SIGTERM)");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_GT(s["final"]["updates"].get<int>(), 0);
  EXPECT_LT(s["final"]["time_s"].get<double>(), std::stod(seconds));
  EXPECT_NE(text_of(out + "/metrics.csv").find('\n'), std::string::npos);
}

TEST_P(RunEnds, DivergenceStopsAtOnceWithExitStatus5) {
  const std::string out = dir_.file("run");
  const CommandResult r = testing::hsgd(train("--lr 100 --seconds 600 --eval-every 1 --out " + out));
  EXPECT_EQ(r.status, 5) << r.output;
  EXPECT_CONTAINS(r.output, "training diverged");
  EXPECT_CONTAINS(r.output, "try a smaller --lr (now 100)");
  const auto s = summary_of(out);
  EXPECT_EQ(s["status"], "diverged");
  const std::string reason = s["stop_reason"];
  std::smatch m;
  ASSERT_TRUE(std::regex_search(reason, m, std::regex("at update ([0-9]+), t = "))) << reason;
  // Stopped with the update that went wrong, not at the end of the budget.
  EXPECT_EQ(s["final"]["updates"].get<int>(), std::stoi(m[1]));
  EXPECT_LT(std::stoi(m[1]), 50);
  EXPECT_LT(s["final"]["time_s"].get<double>(), 60.0);
}

TEST_P(RunEnds, AFolderThatHoldsARunIsNeverOverwrittenByAccident) {
  const std::string out = dir_.file("run");
  const std::string args = train("--updates 5 --eval-every 100 --out " + out);
  ASSERT_EQ(testing::hsgd(args).status, 0);
  const std::string metrics = text_of(out + "/metrics.csv");

  CommandResult r = testing::hsgd(args);
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "holds a run already; choose another folder, or give --overwrite");
  EXPECT_EQ(text_of(out + "/metrics.csv"), metrics);
  EXPECT_FALSE(fs::exists(out + ".partial"));

  r = testing::hsgd(args + " --overwrite --seed 2");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(text_of(out + "/metrics.csv"), metrics);  // replaced by the new run

  // Repeating the saved configuration makes a new folder.
  const std::string before = text_of(out + "/metrics.csv");
  EXPECT_EQ(testing::shell("cd " + dir_.str() + " && " + HSGD_BINARY + " train --config " + out + "/config.toml > " +
                           dir_.file("log") + " 2>&1"),
            0)
      << text_of(dir_.file("log"));
  EXPECT_EQ(text_of(out + "/metrics.csv"), before);
  size_t new_runs = 0;
  for (const auto& e : fs::directory_iterator(dir_.file("runs"))) new_runs += fs::exists(e.path() / "summary.json");
  EXPECT_EQ(new_runs, 1u);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, RunEnds, ::testing::Values("single", "threads", "sim"));

}  // namespace
}  // namespace hsgd
