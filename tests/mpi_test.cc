// mpi_test.cc: really launches `mpirun` with 3 to 4 ranks on loopback and
// checks that training makes progress and that rank 0's accounting balances,
// in every mode; that a worker that stops answering is declared dead while
// the run finishes with the others; that SIGTERM ends a run cleanly (exit
// 143), divergence stops every rank (exit 5), and a run is never overwritten
// by accident.
// Skipped, with a message, only where mpirun is missing.
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace hsgd {
namespace {

bool have_mpirun() { return testing::shell("command -v mpirun >/dev/null 2>&1") == 0; }

// Runs `hsgd train --runtime mpi` under mpirun; returns the exit status.
int mpirun(int ranks, const std::string& args, const std::string& log, const std::string& prefix = "") {
  const std::string cmd = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                          "OMPI_MCA_rmaps_base_oversubscribe=1 " + prefix + " mpirun -np " + std::to_string(ranks) +
                          " " + HSGD_BINARY + " train --runtime mpi " + args + " > " + log + " 2>&1";
  return testing::shell(cmd);
}

nlohmann::json summary(const std::string& dir) {
  std::ifstream in(dir + "/summary.json");
  return nlohmann::json::parse(in);
}

std::string text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class MpiModes : public ::testing::TestWithParam<std::string> {};

TEST_P(MpiModes, TrainsAndBalancesAtRankZero) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(3,
                        "--model ray-tiny --data idx:" + dir.str() + " --mode " + GetParam() +
                            " --schedule step:S=20 --batch-size 16 --updates 40 --delay none --eval-every 1 --out " +
                            dir.file("run"),
                        dir.file("log"));
  ASSERT_EQ(rc, 0) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_GE(s["accounting"]["updates"].get<int>(), 40);
  EXPECT_EQ(s["config"]["workers"], 2);  // -np 3: one server, two workers
  ASSERT_EQ(s["ranks"].size(), 2u);
  for (const auto& r : s["ranks"]) {
    EXPECT_TRUE(r["alive"].get<bool>());
    EXPECT_GT(r["compute_s"].get<double>(), 0.0);
    EXPECT_GT(r["peak_rss_mb"].get<double>(), 0.0);
  }
  if (GetParam() == "sync") {
    EXPECT_EQ(s["accounting"]["applied"].get<int>(), 2 * s["accounting"]["updates"].get<int>());
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, MpiModes, ::testing::Values("sync", "async", "hybrid"));

TEST(Mpi, AWorkerThatStopsAnsweringIsDeclaredDeadAndTheRunFinishes) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(4,
                        "--model ray-tiny --data idx:" + dir.str() +
                            " --mode sync --batch-size 16 --seconds 4 --delay none --worker-timeout 1 "
                            "--mpi-hang-rank 2 --mpi-hang-after 3 --eval-every 1 --out " + dir.file("run"),
                        dir.file("log"));
  ASSERT_EQ(rc, 0) << text(dir.file("log"));
  EXPECT_NE(text(dir.file("log")).find("rank 2 has not answered"), std::string::npos) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>());
  EXPECT_TRUE(s["ranks"][0]["alive"].get<bool>());
  // Sync went on with the two live workers: many more rounds than the 3 before the hang.
  EXPECT_GT(s["accounting"]["updates"].get<int>(), 20);
}

TEST(Mpi, SigtermToTheServerEndsTheRunWithItsMetrics) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const std::string run = dir.file("run");
  const std::string launch = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
                             "mpirun -np 3 " + std::string(HSGD_BINARY) + " train --runtime mpi --model ray-tiny --data idx:" +
                             dir.str() + " --mode async --seconds 120 --delay none --eval-every 1 --out " + run;
  // Start, wait for the server's pid file and 2 s of training, SIGTERM the server, wait for mpirun to end.
  const int rc = testing::shell("(" + launch + " > " + dir.file("log") + " 2>&1 & m=$!; "
                                "for i in $(seq 300); do [ -s " + run + ".partial/pid ] && break; sleep 0.1; done; sleep 2; "
                                "kill -TERM $(cat " + run + ".partial/pid); wait $m)");
  EXPECT_EQ(rc, 143) << text(dir.file("log"));  // 128 + SIGTERM: mpirun passes rank 0's status on
  const auto s = summary(run);
  EXPECT_EQ(s["status"], "terminated");
  EXPECT_EQ(s["stop_reason"], "terminated (SIGTERM)");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_LT(s["final"]["time_s"].get<double>(), 60.0);
  EXPECT_GT(s["accounting"]["updates"].get<int>(), 0);
  EXPECT_NE(testing::shell("pgrep -f '[r]untime mpi --model ray-tiny --data idx:" + dir.str() + "' >/dev/null"), 0)
      << "a rank was left running";
}

TEST(Mpi, DivergenceStopsEveryRankWithExitStatus5) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(3,
                        "--model ray-tiny --data idx:" + dir.str() +
                            " --mode async --lr 100 --batch-size 16 --seconds 120 --delay none --eval-every 1 --out " +
                            dir.file("run"),
                        dir.file("log"));
  EXPECT_EQ(rc, 5) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "diverged");
  EXPECT_NE(s["stop_reason"].get<std::string>().find("training diverged"), std::string::npos);
  EXPECT_LT(s["final"]["updates"].get<int>(), 50);
  EXPECT_LT(s["final"]["time_s"].get<double>(), 60.0);
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
}

TEST(Mpi, AFolderThatHoldsARunIsNeverOverwrittenByAccident) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 200, 50);
  const std::string args = "--model ray-tiny --data idx:" + dir.str() + " --updates 5 --delay none --out " + dir.file("run");
  ASSERT_EQ(mpirun(3, args, dir.file("log")), 0) << text(dir.file("log"));
  const std::string metrics = text(dir.file("run/metrics.csv"));
  EXPECT_NE(mpirun(3, args, dir.file("log")), 0);
  EXPECT_NE(text(dir.file("log")).find("holds a run already"), std::string::npos) << text(dir.file("log"));
  EXPECT_EQ(text(dir.file("run/metrics.csv")), metrics);
  EXPECT_EQ(mpirun(3, args + " --overwrite --seed 2", dir.file("log")), 0) << text(dir.file("log"));
  EXPECT_NE(text(dir.file("run/metrics.csv")), metrics);
}

TEST(Mpi, WorkerCountMustMatchTheRanks) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 100, 20);
  EXPECT_NE(mpirun(3, "--model ray-tiny --data idx:" + dir.str() + " --workers 5 --updates 5 --out " + dir.file("r"),
                   dir.file("log")),
            0);
  EXPECT_NE(text(dir.file("log")).find("--workers 5 does not match mpirun's 2 worker ranks"), std::string::npos)
      << text(dir.file("log"));
}

}  // namespace
}  // namespace hsgd
