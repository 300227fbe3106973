// resume_test.cc: checkpoints and `hsgd train --resume` (docs/faults.md), run
// as a user would: a simulated run stopped at a checkpoint (by its budget, or
// by kill -9) and resumed gives the same metrics.csv, byte for byte, as the
// run that was never interrupted; what would change a run's meaning, and bad
// checkpoints, are refused with a message and leave the run where it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::CommandResult;
using testing::hsgd;

std::string text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json summary(const std::string& run) { return nlohmann::json::parse(text(run + "/summary.json")); }

// A small simulated run with everything that draws random numbers or keeps
// state: delays, a K schedule, several workers, an epoch boundary.
std::string sim_run(const std::string& mode, const std::string& out) {
  return "train --runtime sim --model mlp --data synthetic:samples=600 --workers 5 --batch-size 16 --mode " + mode +
         " --schedule step:S=400 --delay half-normal --delay-fraction 0.4 --delay-scale 0.05 --sim-compute-ms 20"
         " --eval-every 0.5 --checkpoint-every 3 --out " + out;
}

class Resume : public ::testing::TestWithParam<std::string> {};

// The case: a checkpoint at t = 10 s of a 20-s run (the run stopped
// there by its budget), resumed to 20 s.
TEST_P(Resume, ARunStoppedAtItsBudgetAndExtendedEqualsTheUninterruptedRun) {
  testing::TempDir dir;
  const std::string whole = dir.file("whole"), part = dir.file("part");
  CommandResult r = hsgd(sim_run(GetParam(), whole) + " --seconds 20");
  ASSERT_EQ(r.status, 0) << r.output;
  r = hsgd(sim_run(GetParam(), part) + " --seconds 10");
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(std::filesystem::exists(part + "/checkpoint.bin"));
  r = hsgd("train --resume " + part + " --seconds 20");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "resuming " + part + " from its checkpoint at t = 10.00 s");
  EXPECT_EQ(text(part + "/metrics.csv"), text(whole + "/metrics.csv"));
  const auto a = summary(whole), b = summary(part);
  EXPECT_EQ(b["accounting"], a["accounting"]);
  EXPECT_TRUE(b["accounting"]["balances"].get<bool>());
  EXPECT_EQ(b["staleness_histogram"], a["staleness_histogram"]);
  EXPECT_EQ(b["config"]["seconds"], 20);  // config.toml and the summary say what the run now is
  EXPECT_CONTAINS(text(part + "/config.toml"), "seconds = 20");
}

INSTANTIATE_TEST_SUITE_P(Modes, Resume, ::testing::Values("sync", "async", "hybrid"));

TEST(ResumeCli, AKilledRunResumesFromItsLastCheckpointBitForBit) {
  testing::TempDir dir;
  const std::string whole = dir.file("whole"), killed = dir.file("killed");
  // Long enough (a few seconds real) to be killed in the middle.
  const std::string args = "train --runtime sim --model mlp --data synthetic:samples=3000 --workers 40 --batch-size 8"
                           " --mode hybrid --schedule step:S=500 --delay exponential --delay-scale 0.02"
                           " --sim-compute-ms 5 --eval-every 0.5 --checkpoint-every 1 --seconds 40 --out ";
  CommandResult r = hsgd(args + whole);
  ASSERT_EQ(r.status, 0) << r.output;
  r = testing::run_shell("(" + std::string(HSGD_BINARY) + " " + args + killed + " > " + dir.file("log") +
                         " 2>&1 & p=$!; for i in $(seq 600); do [ -s " + killed +
                         ".partial/checkpoint.bin ] && break; sleep 0.01; done; sleep 0.3; kill -9 $p; wait $p; "
                         "echo killed)");
  ASSERT_NE(r.output.find("killed"), std::string::npos) << r.output;
  if (std::filesystem::exists(killed)) GTEST_SKIP() << "the run ended before it could be killed";
  ASSERT_TRUE(std::filesystem::exists(killed + ".partial/checkpoint.bin")) << text(dir.file("log"));
  r = hsgd("train --resume " + killed + ".partial");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(killed + ".partial"));
  EXPECT_EQ(text(killed + "/metrics.csv"), text(whole + "/metrics.csv"));
  EXPECT_EQ(summary(killed)["accounting"], summary(whole)["accounting"]);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) out.push_back(text.substr(at, nl - at));
  return out;
}

// Real time: not reproducible, but a resumed run keeps every row up to its
// checkpoint, goes on from its version and time, and its accounting balances.
TEST(ResumeCli, AThreadsRunGoesOnFromItsCheckpoint) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  const std::string args = "train --runtime threads --model mlp --data synthetic:samples=600 --workers 2 --threads 1"
                           " --batch-size 16 --mode hybrid --schedule step:S=200 --eval-every 0.25"
                           " --checkpoint-every 0.5 --out " + run;
  CommandResult r = hsgd(args + " --seconds 1.5");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto first = summary(run);
  const std::vector<std::string> before = lines(text(run + "/metrics.csv"));
  r = hsgd("train --resume " + run + " --seconds 3");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto second = summary(run);  // a checkpoint at the stop (1.5 s), resumed to 3 s
  const std::vector<std::string> after = lines(text(run + "/metrics.csv"));
  // Every row of the first part but its last (taken at the stop, after the checkpoint) is kept as it was.
  ASSERT_GT(before.size(), 4u);
  ASSERT_GT(after.size(), before.size());
  for (size_t i = 0; i + 1 < before.size(); ++i) EXPECT_EQ(after[i], before[i]) << "row " << i;
  ASSERT_EQ(after.size(), 1u + 12u + 1u);  // 0, 0.25, ..., 2.75 and the stop at 3: none missing at the seam
  for (size_t i = 1; i + 1 < after.size(); ++i)
    EXPECT_DOUBLE_EQ(std::stod(after[i].substr(0, after[i].find(','))), 0.25 * (i - 1)) << after[i];
  EXPECT_EQ(second["status"], "finished");
  EXPECT_GE(second["train_seconds"].get<double>(), 3.0);
  EXPECT_TRUE(second["accounting"]["balances"].get<bool>());
  EXPECT_GE(second["accounting"]["updates"].get<uint64_t>(), first["accounting"]["updates"].get<uint64_t>());
  EXPECT_GT(second["accounting"]["received"].get<uint64_t>(), first["accounting"]["received"].get<uint64_t>());
}

// The case: kill -9 after a checkpoint, then --resume: the run ends
// at its budget, its accounting balances and its time axis has no gap.
TEST(ResumeCli, AThreadsRunKilledAfterACheckpointResumesToItsBudget) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  const std::string args = std::string(HSGD_BINARY) +
                           " train --runtime threads --model mlp --data synthetic:samples=600 --workers 2 --threads 1"
                           " --batch-size 16 --mode async --eval-every 0.25 --checkpoint-every 0.5 --seconds 3 --out " +
                           run;
  const CommandResult killed = testing::run_shell(
      "(" + args + " > " + dir.file("log") + " 2>&1 & p=$!; for i in $(seq 600); do [ -s " + run +
      ".partial/checkpoint.bin ] && break; sleep 0.01; done; sleep 0.4; kill -9 $p; wait $p; echo killed)");
  ASSERT_NE(killed.output.find("killed"), std::string::npos) << killed.output;
  ASSERT_TRUE(std::filesystem::exists(run + ".partial/checkpoint.bin")) << text(dir.file("log"));
  const CommandResult r = hsgd("train --resume " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  const auto s = summary(run);
  EXPECT_EQ(s["status"], "finished");
  EXPECT_EQ(s["stop_reason"], "time budget reached");
  EXPECT_GE(s["train_seconds"].get<double>(), 3.0);
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  // One row per evaluation point from 0 to the budget: 0, 0.25, ..., 2.75, then the stop.
  const std::vector<std::string> rows = lines(text(run + "/metrics.csv"));
  ASSERT_EQ(rows.size(), 1u + 12u + 1u) << text(run + "/metrics.csv");
  for (size_t i = 1; i + 1 < rows.size(); ++i)
    EXPECT_DOUBLE_EQ(std::stod(rows[i].substr(0, rows[i].find(','))), 0.25 * (i - 1)) << rows[i];
  EXPECT_GE(std::stod(rows.back().substr(0, rows.back().find(','))), 3.0);
}

TEST(ResumeCli, OptionsThatChangeTheRunAreRefused) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  ASSERT_EQ(hsgd(sim_run("hybrid", run) + " --seconds 3").status, 0);
  const std::string metrics = text(run + "/metrics.csv");
  CommandResult r = hsgd("train --resume " + run + " --seconds 2 --lr 0.5");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--lr cannot be given with --resume");
  r = hsgd("train --resume " + run + " --out " + dir.file("other"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--out cannot be given with --resume");
  EXPECT_EQ(text(run + "/metrics.csv"), metrics);
  EXPECT_FALSE(std::filesystem::exists(run + ".partial"));
}

TEST(ResumeCli, ACheckpointOfAnotherRunIsRefusedNamingTheOption) {
  testing::TempDir dir;
  ASSERT_EQ(hsgd(sim_run("hybrid", dir.file("a")) + " --seconds 3").status, 0);
  ASSERT_EQ(hsgd(sim_run("hybrid", dir.file("b")) + " --seconds 3 --lr 0.02").status, 0);
  std::filesystem::copy_file(dir.file("b/checkpoint.bin"), dir.file("a/checkpoint.bin"),
                             std::filesystem::copy_options::overwrite_existing);
  const CommandResult r = hsgd("train --resume " + dir.file("a") + " --seconds 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "this run's options differ from the checkpoint's: --lr");
  EXPECT_TRUE(std::filesystem::exists(dir.file("a/metrics.csv"))) << "the run must stay where it was";
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.partial")));
}

TEST(ResumeCli, ACheckpointOfAnotherModelIsRefusedNamingTheFile) {
  testing::TempDir dir;
  const std::string common = "train --runtime sim --data mnist --data-root " + std::string(HSGD_TEST_DATA_ROOT) +
                             " --workers 2 --batch-size 16 --sim-compute-ms 50 --seconds 0.5 --eval-every 0.5"
                             " --checkpoint-every 0.5 --model ";
  CommandResult r = hsgd(common + "ray-tiny --out " + dir.file("a"));
  if (r.output.find("cannot open") != std::string::npos) GTEST_SKIP() << "MNIST is not in data/: " << r.output;
  ASSERT_EQ(r.status, 0) << r.output;
  r = hsgd(common + "mnist-cnn --out " + dir.file("b"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::filesystem::copy_file(dir.file("b/checkpoint.bin"), dir.file("a/checkpoint.bin"),
                             std::filesystem::copy_options::overwrite_existing);
  r = hsgd("train --resume " + dir.file("a") + " --seconds 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, dir.file("a/checkpoint.bin") + ": this run's options differ from the checkpoint's: --model");
  EXPECT_TRUE(std::filesystem::exists(dir.file("a/metrics.csv")));
}

TEST(ResumeCli, ACorruptOrTruncatedCheckpointIsRefusedAndTheRunKept) {
  testing::TempDir dir;
  const std::string run = dir.file("run");
  ASSERT_EQ(hsgd(sim_run("async", run) + " --seconds 3").status, 0);
  auto bytes = testing::read_bytes(run + "/checkpoint.bin");
  const auto good = bytes;
  bytes[bytes.size() / 2] ^= 0x40;
  testing::write_bytes(run + "/checkpoint.bin", bytes);
  CommandResult r = hsgd("train --resume " + run + " --seconds 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, run + "/checkpoint.bin");
  EXPECT_CONTAINS(r.output, "checksum");
  bytes = good;
  bytes.resize(bytes.size() - 100);
  testing::write_bytes(run + "/checkpoint.bin", bytes);
  r = hsgd("train --resume " + run + " --seconds 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, run + "/checkpoint.bin");
  EXPECT_TRUE(std::filesystem::exists(run + "/metrics.csv"));
  EXPECT_FALSE(std::filesystem::exists(run + ".partial"));
}

TEST(ResumeCli, WhatCannotBeResumedSaysWhy) {
  testing::TempDir dir;
  CommandResult r = hsgd("train --resume " + dir.file("nothing"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "no run there");
  const std::string plain = dir.file("plain");
  ASSERT_EQ(hsgd("train --runtime sim --model mlp --data synthetic:samples=300 --workers 2 --seconds 1 --out " + plain)
                .status,
            0);
  r = hsgd("train --resume " + plain + " --seconds 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "no checkpoint.bin there");
  EXPECT_TRUE(std::filesystem::exists(plain + "/metrics.csv"));
  r = hsgd("train --runtime single --model mlp --data synthetic:samples=300 --seconds 1 "
           "--checkpoint-every 1 --out " + dir.file("t"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--checkpoint-every: --runtime single writes no checkpoints");
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.partial")));
}

}  // namespace
}  // namespace hsgd
