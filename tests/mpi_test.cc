// mpi_test.cc: really launches `scripts/mpirun.sh` with 3 to 4 ranks on
// loopback and checks that training makes progress and that rank 0's
// accounting balances, in every mode; that a worker that stops answering is
// declared dead while the run finishes with the others; that in every mode a
// worker killed (kill -9) or stopped (kill -STOP) mid-run never stops the run
// or keeps mpirun waiting, and that the workers of a killed rank 0 leave;
// that SIGTERM ends a run cleanly (exit 143), divergence stops every rank
// (exit 5), and a run is never overwritten by accident; with --servers 2 and
// 3, that every mode trains and every shard balances, that a killed or
// stopped shard ends the run as failed, and that a sharded run resumes.
// Skipped, with a message, only where mpirun is missing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "tests/test_util.h"

namespace hsgd {
namespace {

bool have_mpirun() { return testing::shell("command -v mpirun >/dev/null 2>&1") == 0; }

// The launch line the README shows: scripts/mpirun.sh (mpirun --enable-recovery
// --oversubscribe, and rank 0's exit status as its own).
std::string launch(int ranks, const std::string& args) {
  return std::string(HSGD_SOURCE_DIR) + "/scripts/mpirun.sh -np " + std::to_string(ranks) + " " + HSGD_BINARY +
         " train --runtime mpi " + args;
}

// Runs `hsgd train --runtime mpi` under scripts/mpirun.sh; returns the exit status.
int mpirun(int ranks, const std::string& args, const std::string& log) {
  return testing::shell(launch(ranks, args) + " > " + log + " 2>&1");
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
  EXPECT_NE(text(dir.file("log")).find("rank 2 declared dead (it has not answered"), std::string::npos)
      << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>());
  EXPECT_TRUE(s["ranks"][0]["alive"].get<bool>());
  // Sync went on with the two live workers: many more rounds than the 3 before the hang.
  EXPECT_GT(s["accounting"]["updates"].get<int>(), 20);
}

// SSP in lock step over MPI: rank 0 holds back the replies of the workers
// ahead; when rank 2 hangs and is declared dead, the others are released
// and the run finishes its budget with them.
TEST(Mpi, SspReleasesTheWaitingWorkersWhenTheSlowestIsDeclaredDead) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(4,
                        "--model ray-tiny --data idx:" + dir.str() +
                            " --mode ssp --ssp-bound 0 --batch-size 16 --seconds 4 --delay none --worker-timeout 1 "
                            "--mpi-hang-rank 2 --mpi-hang-after 3 --eval-every 1 --out " + dir.file("run"),
                        dir.file("log"));
  ASSERT_EQ(rc, 0) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>());
  EXPECT_GT(s["ssp"]["waits"].get<int>(), 0);
  EXPECT_GT(s["accounting"]["updates"].get<int>(), 20);  // went on after the 3 clocks before the hang
}

// --schedule adaptive at rank 0: the push's wall time is measured and the
// decisions file is written.
TEST(Mpi, AdaptiveScheduleRunsAtRankZero) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(3,
                        "--model ray-tiny --data idx:" + dir.str() +
                            " --mode hybrid --schedule adaptive --batch-size 16 --updates 60 --delay none "
                            "--eval-every 1 --out " + dir.file("run"),
                        dir.file("log"));
  ASSERT_EQ(rc, 0) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_GT(s["adaptive"]["update_ms"].get<double>(), 0.0);
  EXPECT_NE(text(dir.file("run/k_decisions.csv")).find("k_before,k_after"), std::string::npos);
}

TEST(Mpi, SigtermToTheServerEndsTheRunWithItsMetrics) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const std::string run = dir.file("run");
  const std::string line =
      launch(3, "--model ray-tiny --data idx:" + dir.str() + " --mode async --seconds 120 --delay none --eval-every 1 --out " + run);
  // Start, wait for the server's pid file and 2 s of training, SIGTERM the server, wait for mpirun to end.
  const int rc = testing::shell("(" + line + " > " + dir.file("log") + " 2>&1 & m=$!; "
                                "for i in $(seq 300); do [ -s " + run + ".partial/pid ] && break; sleep 0.1; done; sleep 2; "
                                "kill -TERM $(cat " + run + ".partial/pid); wait $m)");
  EXPECT_EQ(rc, 143) << text(dir.file("log"));  // 128 + SIGTERM: scripts/mpirun.sh passes rank 0's status on
  const auto s = summary(run);
  EXPECT_EQ(s["status"], "terminated");
  EXPECT_EQ(s["stop_reason"], "terminated (SIGTERM)");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_LT(s["final"]["time_s"].get<double>(), 60.0);
  EXPECT_GT(s["accounting"]["updates"].get<int>(), 0);
  EXPECT_NE(testing::shell("pgrep -f '[r]untime mpi --model ray-tiny --data idx:" + dir.str() + "' >/dev/null"), 0)
      << "a rank was left running";
}

// A fault in the middle of a 4-s run of 1 server + 3 workers: kill -9 or
// kill -STOP of worker rank 2, or kill -9 of rank 0, 1.5 s into training.
// The script prints mpirun's exit status, the seconds from the fault to
// mpirun's end, and how many of the run's processes are left after it.
struct FaultOutcome {
  int rc = -1;
  double seconds_after_fault = 1e9;
  int left = -1;
};

// With `servers` S > 1 (1 + S - 1 shards + 3 workers), "kill-shard" and
// "stop-shard" strike the last shard, rank S - 1.
// `timeouts`: the options that time the ranks (none: the defaults).
FaultOutcome run_with_fault(const testing::TempDir& dir, const std::string& mode, const std::string& fault,
                            int servers = 1,
                            const std::string& timeouts = " --worker-timeout 1.5 --server-timeout 3",
                            double seconds = 4) {
  const std::string run = dir.file("run");
  const std::string line =
      launch(servers + 3, "--model ray-tiny --data idx:" + dir.str() + " --mode " + mode + " --servers " +
                              std::to_string(servers) + " --batch-size 16 --seconds " + std::to_string(seconds) +
                              " --delay none --eval-every 1" + timeouts + " --out " + run);
  const bool shard = fault == "kill-shard" || fault == "stop-shard";
  const bool server = fault == "kill-server" || fault == "stop-server";
  const std::string victim_rank = server ? "0" : shard ? std::to_string(servers - 1) : "2";
  const std::string signal = fault == "stop-worker" || fault == "stop-shard" || fault == "stop-server" ? "STOP" : "KILL";
  const std::string script =
      "(" + line + " > " + dir.file("log") + " 2>&1 & m=$!; "
      "for i in $(seq 300); do [ -s " + run + ".partial/pid ] && break; sleep 0.1; done; sleep 1.5; "
      "for p in $(pgrep -f -- '--out " + run + "$'); do "
      "  tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=" + victim_rank + "' && "
      "  kill -" + signal + " $p; done; "
      "s=$(date +%s%N); wait $m; rc=$?; t=$(( ($(date +%s%N) - s) / 1000000 )); sleep 0.5; "
      "left=$(pgrep -f -- '--out " + run + "$' | wc -l); pkill -KILL -f -- '--out " + run + "$'; "
      "echo $rc $t $left > " + dir.file("outcome") + ")";
  testing::shell(script);
  FaultOutcome out;
  std::ifstream in(dir.file("outcome"));
  double ms = 0;
  in >> out.rc >> ms >> out.left;
  out.seconds_after_fault = ms / 1000;
  return out;
}

class MpiFaults : public ::testing::TestWithParam<std::string> {};

TEST_P(MpiFaults, AWorkerKilledMidRunIsDeclaredDeadAndTheRunFinishesItsBudget) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, GetParam(), "kill-worker");
  EXPECT_EQ(out.rc, 0) << text(dir.file("log"));
  EXPECT_EQ(out.left, 0) << "a rank was left running";
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "finished");
  EXPECT_EQ(s["stop_reason"], "time budget reached");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>()) << text(dir.file("log"));
  EXPECT_EQ(s["ranks"][1]["state"], "dead");
  EXPECT_EQ(s["ranks"][0]["state"], "finished");
  EXPECT_EQ(s["ranks"][2]["state"], "finished");
  // MPI_Finalize could wait for the dead rank: the others leave with MPI_Abort.
  EXPECT_NE(text(dir.file("log")).find("a rank was lost, and MPI_Finalize could wait for it"), std::string::npos)
      << text(dir.file("log"));
}

// Found by the chaos soak: a checkpoint waits for every worker to be idle,
// with the training clock stopped; a worker killed then must still be found
// (its silence is timed in wall time), or the run never ends.
TEST_P(MpiFaults, AWorkerKilledWhileCheckpointsAreTakenIsDeclaredDead) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, GetParam(), "kill-worker", 1,
                                          " --worker-timeout 1.5 --server-timeout 3 --checkpoint-every 0.2");
  EXPECT_EQ(out.rc, 0) << text(dir.file("log"));
  EXPECT_LT(out.seconds_after_fault, 2.5 + 1.5 + 20) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "finished");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>()) << text(dir.file("log"));
}

TEST_P(MpiFaults, AStoppedWorkerNeverKeepsMpirunWaiting) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, GetParam(), "stop-worker");
  EXPECT_EQ(out.rc, 0) << text(dir.file("log"));
  // The fault comes 1.5 s into a 4-s budget; mpirun ends well within the
  // worker timeout (1.5 s) + 20 s after the budget.
  EXPECT_LT(out.seconds_after_fault, 2.5 + 1.5 + 20) << text(dir.file("log"));
  EXPECT_EQ(out.left, 0) << "a rank was left running";
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "finished");
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  EXPECT_FALSE(s["ranks"][1]["alive"].get<bool>()) << text(dir.file("log"));
  EXPECT_NE(s["ranks"][1]["state"].get<std::string>().find("killed after the results were written"), std::string::npos)
      << s["ranks"][1]["state"];
}

TEST_P(MpiFaults, TheWorkersOfAKilledServerLeaveWithinTheServerTimeout) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, GetParam(), "kill-server");
  EXPECT_EQ(out.rc, 1) << text(dir.file("log"));
  EXPECT_LT(out.seconds_after_fault, 3 + 10) << text(dir.file("log"));  // --server-timeout 3
  EXPECT_EQ(out.left, 0) << "a worker rank was left running";
  EXPECT_NE(text(dir.file("log")).find("no word from the server (rank 0) for 3.0s"), std::string::npos)
      << text(dir.file("log"));
}

INSTANTIATE_TEST_SUITE_P(Modes, MpiFaults, ::testing::Values("sync", "async", "hybrid"));

// Issue 29: with the default options, a rank 0 killed (kill -9) or stopped
// (kill -STOP) is noticed within seconds: every worker leaves after
// --server-timeout (10 s) of silence, saying the server was lost, a stopped
// rank 0 on their node is killed by them, and mpirun ends within 15 s.
class MpiServerLoss : public ::testing::TestWithParam<std::string> {};

TEST_P(MpiServerLoss, EveryRankAndMpirunAreGoneWithin15sWithTheDefaults) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, "async", GetParam(), 1, /*timeouts=*/"", /*seconds=*/60);
  EXPECT_EQ(out.rc, 1) << text(dir.file("log"));
  EXPECT_LT(out.seconds_after_fault, 15) << text(dir.file("log"));
  EXPECT_EQ(out.left, 0) << "a rank was left running";
  EXPECT_NE(text(dir.file("log")).find("no word from the server (rank 0) for 10.0s"), std::string::npos)
      << text(dir.file("log"));
  if (GetParam() == "stop-server")
    EXPECT_NE(text(dir.file("log")).find("is stopped (SIGSTOP): killed, so that mpirun can end"), std::string::npos)
        << text(dir.file("log"));
}

INSTANTIATE_TEST_SUITE_P(Faults, MpiServerLoss, ::testing::Values("kill-server", "stop-server"));

// --servers S: ranks 0..S-1 are server shards, each owning a slice; every
// mode trains, every shard balances, and every server rank reports its
// slice, traffic and memory (rank 0 writes it all).
class MpiShards : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(MpiShards, TrainAndEveryShardBalances) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  const auto& [mode, servers] = GetParam();
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const int rc = mpirun(servers + 2,
                        "--model ray-tiny --data idx:" + dir.str() + " --mode " + mode + " --servers " +
                            std::to_string(servers) +
                            " --schedule step:S=20 --batch-size 16 --updates 40 --delay none --eval-every 0.5 --out " +
                            dir.file("run"),
                        dir.file("log"));
  ASSERT_EQ(rc, 0) << text(dir.file("log"));
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "finished");
  EXPECT_EQ(s["config"]["workers"], 2);  // -np S+2: S servers, two workers
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  ASSERT_EQ(s["shards"].size(), static_cast<size_t>(servers));
  for (const auto& shard : s["shards"]) {
    EXPECT_TRUE(shard["accounting"]["balances"].get<bool>()) << shard.dump();
    EXPECT_GE(shard["accounting"]["updates"].get<int>(), 40) << shard.dump();
  }
  ASSERT_EQ(s["server_ranks"].size(), static_cast<size_t>(servers));
  for (const auto& rank : s["server_ranks"]) {
    EXPECT_EQ(rank["state"], "finished") << rank.dump();
    EXPECT_GT(rank["bytes_in"].get<double>(), 0) << rank.dump();
    EXPECT_GT(rank["peak_rss_mb"].get<double>(), 0) << rank.dump();
  }
  for (const auto& rank : s["ranks"]) EXPECT_EQ(rank["state"], "finished") << rank.dump();
  EXPECT_TRUE(std::filesystem::exists(dir.file("run/shards.csv")));
}

INSTANTIATE_TEST_SUITE_P(Modes, MpiShards,
                         ::testing::Combine(::testing::Values("sync", "async", "hybrid"), ::testing::Values(2, 3)));

// hsgd compare over MPI runs its modes one after another on the same ranks:
// each run's shards start from rank 0's state, whatever the run before left
// on the way (found by hand: a late "alive" once stopped the second run).
TEST(MpiShardsCompare, EveryModeRunsOnTheSameRanksOneAfterAnother) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const std::string line = std::string(HSGD_SOURCE_DIR) + "/scripts/mpirun.sh -np 4 " + HSGD_BINARY +
                           " compare --runtime mpi --servers 2 --model ray-tiny --data idx:" + dir.str() +
                           " --batch-size 16 --seconds 1.5 --delay none --eval-every 0.5 --out " + dir.file("cmp");
  ASSERT_EQ(testing::shell(line + " > " + dir.file("log") + " 2>&1"), 0) << text(dir.file("log"));
  for (const char* mode : {"sync", "async", "hybrid"}) {
    const auto s = summary(dir.file(std::string("cmp/runs/base/") + mode + "-seed1"));
    EXPECT_EQ(s["status"], "finished") << mode;
    EXPECT_EQ(s["shards"].size(), 2u) << mode;
    EXPECT_TRUE(s["accounting"]["balances"].get<bool>()) << mode;
  }
}

// A server shard killed (kill -9) or stopped (kill -STOP) mid-run: the run
// ends as failed within --worker-timeout + 10 s, naming the shard, with rank
// 0's files written, and nothing keeps mpirun waiting.
class MpiShardFaults : public ::testing::TestWithParam<std::string> {};

TEST_P(MpiShardFaults, ALostShardEndsTheRunAsFailedNamingIt) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const FaultOutcome out = run_with_fault(dir, "hybrid", GetParam(), /*servers=*/2);
  EXPECT_EQ(out.rc, 1) << text(dir.file("log"));
  EXPECT_LT(out.seconds_after_fault, 1.5 + 10) << text(dir.file("log"));  // --worker-timeout 1.5
  EXPECT_EQ(out.left, 0) << "a rank was left running";
  const auto s = summary(dir.file("run"));
  EXPECT_EQ(s["status"], "failed");
  EXPECT_NE(s["stop_reason"].get<std::string>().find("server shard 1 (rank 1)"), std::string::npos) << s["stop_reason"];
  EXPECT_EQ(s["server_ranks"][1]["state"], "lost");
  EXPECT_TRUE(std::filesystem::exists(dir.file("run/metrics.csv")));
}

INSTANTIATE_TEST_SUITE_P(Faults, MpiShardFaults, ::testing::Values("kill-shard", "stop-shard"));

// A checkpointed MPI run (S servers + 2 workers, S = 1 or 2) resumed under
// mpirun with 3 workers: rank 0 goes on from its checkpoint's parameters, version, rows and
// time; the new workers start afresh; the accounting still balances.
class MpiResume : public ::testing::TestWithParam<int> {};

TEST_P(MpiResume, ACheckpointedRunResumesWithAnotherNumberOfWorkerRanks) {
  const int servers = GetParam();
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found: install openmpi-bin (scripts/setup.sh does)";
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 600, 100);
  const std::string run = dir.file("run");
  ASSERT_EQ(mpirun(servers + 2,
                   "--model ray-tiny --data idx:" + dir.str() + " --servers " + std::to_string(servers) +
                       " --mode hybrid --schedule step:S=40 --batch-size 16 --seconds 2 --delay none --eval-every 0.5"
                       " --checkpoint-every 0.5 --out " + run,
                   dir.file("log")),
            0)
      << text(dir.file("log"));
  ASSERT_TRUE(std::filesystem::exists(run + "/checkpoint.bin")) << text(dir.file("log"));
  const auto first = summary(run);
  const std::string rows_before = text(run + "/metrics.csv");
  const int rc = testing::shell(std::string(HSGD_SOURCE_DIR) + "/scripts/mpirun.sh -np " + std::to_string(servers + 3) + " " + HSGD_BINARY +
                                " train --resume " + run + " --seconds 4 > " + dir.file("log2") + " 2>&1");
  ASSERT_EQ(rc, 0) << text(dir.file("log2"));
  EXPECT_NE(text(dir.file("log2")).find("resuming " + run + " from its checkpoint at t = 2."), std::string::npos)
      << text(dir.file("log2"));
  const auto second = summary(run);
  EXPECT_EQ(second["status"], "finished");
  EXPECT_EQ(second["config"]["workers"], 3);
  EXPECT_EQ(second["ranks"].size(), 3u);
  EXPECT_GE(second["train_seconds"].get<double>(), 4.0);
  EXPECT_TRUE(second["accounting"]["balances"].get<bool>());
  EXPECT_GT(second["accounting"]["received"].get<uint64_t>(), first["accounting"]["received"].get<uint64_t>());
  EXPECT_GE(second["accounting"]["updates"].get<uint64_t>(), first["accounting"]["updates"].get<uint64_t>());
  if (servers > 1) {  // every shard goes on from its own slice and version
    ASSERT_EQ(second["shards"].size(), static_cast<size_t>(servers));
    for (int i = 0; i < servers; ++i) {
      EXPECT_TRUE(second["shards"][i]["accounting"]["balances"].get<bool>());
      EXPECT_GT(second["shards"][i]["version"].get<uint64_t>(), first["shards"][i]["version"].get<uint64_t>());
    }
  }
  // The rows up to the checkpoint are kept (the first run's last row, taken at its stop, is replaced).
  const std::string rows_after = text(run + "/metrics.csv");
  const std::string kept = rows_before.substr(0, rows_before.rfind('\n', rows_before.size() - 2) + 1);
  EXPECT_EQ(rows_after.substr(0, kept.size()), kept);
  // A row at every evaluation point from 0 to the budget, none missing at the seam.
  std::istringstream rows(rows_after);
  std::string line;
  std::getline(rows, line);  // header
  std::vector<double> times;
  while (std::getline(rows, line)) times.push_back(std::stod(line.substr(0, line.find(','))));
  ASSERT_EQ(times.size(), 9u) << rows_after;  // 0, 0.5, ..., 3.5 and the stop at 4
  for (size_t i = 0; i + 1 < times.size(); ++i) EXPECT_DOUBLE_EQ(times[i], 0.5 * i) << rows_after;
}

INSTANTIATE_TEST_SUITE_P(Servers, MpiResume, ::testing::Values(1, 2));

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
