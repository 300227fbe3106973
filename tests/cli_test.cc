// cli_test.cc: the hsgd program as a user meets it: exit codes and messages
// for bad input, and a tiny end-to-end training run with its saved files.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::CommandResult;
using testing::hsgd;

TEST(Cli, HelpListsCommandsAndDataSyntax) {
  const CommandResult r = hsgd("train --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_CONTAINS(r.output, "--data");
  EXPECT_CONTAINS(r.output, "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS");
  EXPECT_CONTAINS(r.output, "mnist-cnn");
}

TEST(Cli, HelpGroupsTheOptionsAndHidesTheTestOnlyOnes) {
  const CommandResult r = hsgd("train --help");
  EXPECT_EQ(r.status, 0);
  for (const char* group : {"Data:", "Model and compute:", "Parameter server:", "K schedule (hybrid):",
                            "Injected delays:", "Optimizer:", "Budget:", "Evaluation:", "Simulator (--runtime sim):",
                            "MPI (--runtime mpi):", "Output:"})
    EXPECT_CONTAINS(r.output, group);
  EXPECT_EQ(r.output.find("--mpi-hang"), std::string::npos) << r.output;
}

TEST(Cli, VersionSaysWhatWasBuiltAndWith) {
  const CommandResult r = hsgd("--version");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "hsgd 0.1.0 (commit ");
  EXPECT_CONTAINS(r.output, "LibTorch ");
  EXPECT_CONTAINS(r.output, "MPI");
}

TEST(Cli, TestOnlyOptionsAreNotSavedInConfigToml) {
  testing::TempDir dir;
  const CommandResult r =
      hsgd("train --runtime sim --model mlp --data synthetic:samples=200 --workers 2 --updates 3 --out " + dir.file("o"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(dir.file("o/config.toml"));
  const std::string config((std::istreambuf_iterator<char>(in)), {});
  EXPECT_CONTAINS(config, "worker-timeout = ");
  EXPECT_EQ(config.find("mpi-hang"), std::string::npos) << config;
}

TEST(Cli, BackupWorkersNeedSyncAndFewerThanTheWorkers) {
  CommandResult r = hsgd("train --runtime sim --model mlp --data synthetic --mode async --backup-workers 1 --updates 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--backup-workers 1 needs --mode sync (now async)");
  r = hsgd("train --runtime sim --model mlp --data synthetic --mode sync --workers 2 --backup-workers 2 --updates 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--backup-workers 2 must be below --workers 2");
}

// --sim-profile sets the simulator options it names, unless they are given.
TEST(Cli, SimProfileSetsItsOptionsUnlessGiven) {
  testing::TempDir d;
  const std::string base =
      "train --runtime sim --model mlp --data synthetic:samples=200 --mode async --workers 2 --updates 3 ";
  CommandResult r = hsgd(base + "--sim-profile paper-ray-mnist --sim-start-s 0 --out " + d.file("a"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(d.file("a/config.toml"));
  const std::string saved((std::istreambuf_iterator<char>(in)), {});
  EXPECT_CONTAINS(saved, "sim-profile = \"paper-ray-mnist\"");
  EXPECT_CONTAINS(saved, "sim-start-s = 0\n");  // given: it wins
  EXPECT_CONTAINS(saved, "sim-start-spread-s = 5\n");  // from the profile
  r = hsgd(base + "--sim-profile nonesuch");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--sim-profile: unknown profile 'nonesuch' (known: paper-ray-mnist | paper-ray-cifar10)");
}

// SSP's bound and the K of k-sync / k-batch-async: needed by their modes,
// refused elsewhere and out of range, all before any data is read (the data
// root here does not exist).
TEST(Cli, SspBoundAndKBelongToTheirModes) {
  const std::string base = "train --runtime sim --model mlp --data mnist --data-root /nonexistent --updates 3 ";
  const std::pair<const char*, const char*> cases[] = {
      {"--mode ssp", "--mode ssp needs --ssp-bound s"},
      {"--mode async --ssp-bound 2", "--ssp-bound 2 needs --mode ssp (now async)"},
      {"--mode ssp --ssp-bound -2", "--ssp-bound = -2 is out of range: must be in [-1, 1000000]"},
      {"--mode ssp --ssp-bound 2000000", "--ssp-bound = 2000000 is out of range"},
      {"--mode k-sync", "--mode k-sync needs --k K"},
      {"--mode k-batch-async --k 0", "--mode k-batch-async needs --k K"},
      {"--mode hybrid --k 3", "--k 3 needs --mode k-sync or k-batch-async (now hybrid; hybrid takes --schedule constant:K)"},
      {"--mode k-sync --workers 4 --k 5", "--k 5 > --workers 4 can never be filled by k-sync"},
      {"--mode k-sync --k -1", "--k = -1 is out of range"},
      {"--mode async --gba-tolerance 2", "--gba-tolerance 2 needs --mode gba (now async)"},
      {"--mode gba --gba-tolerance -3", "--gba-tolerance = -3 is out of range: must be in [-1, 1000000]"},
      {"--mode gba --gba-tolerance 2000000", "--gba-tolerance = 2000000 is out of range"},
      {"--mode hybrid --schedule adaptive:x=1", "--schedule adaptive:x=1: adaptive takes no parameters"},
      {"--mode ssp-ish", "ssp-ish"}};
  for (const auto& [args, message] : cases) {
    const CommandResult r = hsgd(base + args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_CONTAINS(r.output, message);
    EXPECT_EQ(r.output.find("/nonexistent"), std::string::npos) << args << ": data read before the check\n" << r.output;
  }
}

// A run says what it was: k-sync's config.toml keeps mode and k, its summary
// the mapping onto hybrid (constant K, wait applied).
TEST(Cli, KSyncRecordsItsModeAndTheMapping) {
  testing::TempDir dir;
  const CommandResult r = hsgd(
      "train --runtime sim --model mlp --data synthetic:samples=200 --workers 3 --mode k-sync --k 2 --updates 3 --out " +
      dir.file("o"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream config_in(dir.file("o/config.toml")), summary_in(dir.file("o/summary.json"));
  const std::string config((std::istreambuf_iterator<char>(config_in)), {});
  const std::string summary((std::istreambuf_iterator<char>(summary_in)), {});
  EXPECT_CONTAINS(config, "mode = \"k-sync\"");
  EXPECT_CONTAINS(config, "k = 2");
  EXPECT_CONTAINS(summary, "k-sync: K = 2, workers wait for their gradient's update (Dutta et al. 2018; hybrid, "
                           "constant:K, wait applied)");
  EXPECT_CONTAINS(summary, "\"wait\": \"applied\"");
  // The saved configuration repeats the run.
  EXPECT_EQ(hsgd("train --config " + dir.file("o/config.toml") + " --out " + dir.file("again")).status, 0);
}

TEST(Cli, NoCommandIsAnError) { EXPECT_NE(hsgd("").status, 0); }

TEST(Cli, UnknownOptionIsAnError) {
  const CommandResult r = hsgd("train --epochs 1 --bogus 3");
  EXPECT_NE(r.status, 0);
  EXPECT_CONTAINS(r.output, "--bogus");
}

TEST(Cli, OutOfRangeValueIsNamedBeforeAnyWork) {
  const CommandResult r = hsgd("train --epochs 1 --lr -0.5");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "hsgd: error: --lr = -0.5 is out of range: must be in (0, 1000000]");
}

TEST(Cli, DistributedSettingsAreCheckedBeforeAnyWork) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--schedule constant:0", "K must be an integer >= 1"},
      {"--schedule step:K0=9,Kmax=4", "K0 = 9 > Kmax = 4"},
      {"--schedule exp:2", "unknown schedule 'exp'"},
      {"--workers 0", "--workers = 0 is out of range"},
      {"--lr 0", "--lr = 0 is out of range"},
      {"--delay-scale -0.1", "--delay-scale = -0.1 is out of range"},
      {"--delay-fraction 1.5", "--delay-fraction = 1.5 is out of range: must be in [0, 1]"},
      {"--mode semi", "unknown mode; expected sync, async, hybrid, ssp, k-sync, k-batch-async or gba"},
      {"--wait sometimes", "unknown wait policy"},
      {"--aggregation median", "unknown aggregation"},
      {"--delay gamma", "unknown distribution"},
      {"--runtime gpu", "unknown runtime"},
  };
  for (const auto& [args, message] : cases) {
    const CommandResult r = hsgd("train --seconds 1 --data svhn " + args);  // a bad data set too: never reached
    EXPECT_EQ(r.status, 1) << args;
    EXPECT_CONTAINS(r.output, message);
  }
}

TEST(Cli, NonNumericValueIsAnError) {
  const CommandResult r = hsgd("train --epochs one");
  EXPECT_NE(r.status, 0);
  EXPECT_CONTAINS(r.output, "--epochs");
}

TEST(Cli, UnknownModelAndDataSet) {
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 20, 10);
  CommandResult r = hsgd("train --runtime single --updates 1 --model vgg --data idx:" + dir.str() + " --out " + dir.file("o"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--model vgg: unknown model; expected one of: mnist-cnn");
  r = hsgd("train --updates 1 --data svhn");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "unknown data set 'svhn'");
}

TEST(Cli, DataTheModelCannotTakeLeavesNoRunFolder) {
  testing::TempDir dir;
  // Built-in models score the data set's classes (the MLP also takes its features), but a
  // convolutional one keeps its input shape.
  CommandResult r = hsgd("train --runtime sim --workers 2 --model lenet5 --data synthetic:classes=20,samples=500 --updates 5 "
                         "--out " + dir.file("o"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "model lenet5 takes 3x32x32 images but data set synthetic:features=20,classes=20");
  r = hsgd("train --runtime sim --workers 2 --model ray-tiny --data synthetic:samples=500 --updates 5 --out " + dir.file("o"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "model ray-tiny takes 1x28x28 images but data set synthetic");
  EXPECT_FALSE(std::filesystem::exists(dir.file("o")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("o.partial")));
}

TEST(Cli, BrokenDataFileIsNamed) {
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 20, 10);
  auto bytes = testing::read_bytes(dir.file("train-images-idx3-ubyte"));
  bytes.resize(1000);
  testing::write_bytes(dir.file("train-images-idx3-ubyte"), bytes);
  const CommandResult r = hsgd("data idx:" + dir.str());
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, dir.file("train-images-idx3-ubyte") + ": truncated");
}

TEST(Cli, UnknownKeyInConfigFile) {
  testing::TempDir dir;
  std::ofstream(dir.file("c.toml")) << "epochs = 1\nlearning_rate = 0.1\n";
  const CommandResult r = hsgd("train --config " + dir.file("c.toml"));
  EXPECT_NE(r.status, 0);
  EXPECT_CONTAINS(r.output, "learning_rate");
}

TEST(Cli, TrainsEndToEndAndTheSavedConfigRepeatsTheRun) {
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 256, 64);
  const std::string data = "idx:" + dir.str();
  CommandResult r = hsgd("train --model ray-tiny --data " + data + " --runtime single --updates 20 --batch-size 16 --threads 1 --seed 4 --out " +
               dir.file("run1"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "final test accuracy");
  for (const char* f : {"metrics.csv", "summary.json", "config.toml"})
    EXPECT_TRUE(std::filesystem::exists(dir.file("run1/") + f)) << f;
  std::ifstream config_file(dir.file("run1/config.toml"));
  const std::string config((std::istreambuf_iterator<char>(config_file)), std::istreambuf_iterator<char>());
  EXPECT_CONTAINS(config, "updates = 20");
  EXPECT_CONTAINS(config, "model = \"ray-tiny\"");

  // The saved configuration, with only the output folder changed, gives the same metrics.
  r = hsgd("train --config " + dir.file("run1/config.toml") + " --out " + dir.file("run2"));
  ASSERT_EQ(r.status, 0) << r.output;
  auto final_row = [](const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return last.substr(last.find(','));  // drop the time column
  };
  EXPECT_EQ(final_row(dir.file("run1/metrics.csv")), final_row(dir.file("run2/metrics.csv")));
}

// docs/simulator.md: a simulated run is the same run whatever --threads is.
// (lenet5 used to differ in the last bits: OpenBLAS split its products by the
// thread count; mnist-cnn splits a batch into parts fixed by its size.)
TEST(Cli, SimulatedRunsDoNotDependOnTheThreadCount) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("mnist"));
  testing::write_idx_folder(dir.file("mnist"), 256, 64);
  testing::write_cifar_folder(dir.file("cifar"), 200);
  const std::string mnist = " --data idx:" + dir.file("mnist"), cifar = " --data cifar10:" + dir.file("cifar");
  // lenet5 took 300 updates to show the old difference; mnist-cnn splits batches of 64.
  for (const std::string& model : {"lenet5 --updates 300 --batch-size 32" + cifar,
                                   "mnist-cnn --updates 12 --batch-size 64" + mnist,
                                   "ray-tiny --updates 300 --batch-size 32" + mnist}) {
    const std::string run =
        "train --runtime sim --workers 3 --eval-every 0.2 --sim-compute-ms 10 --seed 3 --model " + model + " --out ";
    const std::string one = dir.file("one-" + model.substr(0, 5)), two = dir.file("two-" + model.substr(0, 5));
    CommandResult r = hsgd(run + one + " --threads 1");
    ASSERT_EQ(r.status, 0) << r.output;
    r = hsgd(run + two + " --threads 2");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(testing::read_file(one + "/metrics.csv"), testing::read_file(two + "/metrics.csv")) << model;
  }
}

TEST(Cli, TargetAccuracyNotReachedExitsFour) {
  testing::TempDir dir;
  testing::write_idx_folder(dir.str(), 64, 32);
  const CommandResult r = hsgd("train --model ray-tiny --data idx:" + dir.str() +
                     " --runtime single --updates 2 --threads 1 --target-accuracy 1.0 --out " + dir.file("o"));
  EXPECT_EQ(r.status, 4) << r.output;
  EXPECT_CONTAINS(r.output, "NOT reached");
}

TEST(Cli, FashionMnistThroughTheIdxReader) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist not installed (scripts/setup.sh)";
  const CommandResult r = hsgd("data fashion-mnist:/usr/share/datasets/fashion-mnist");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "train  60000 images of 1x28x28");
  EXPECT_CONTAINS(r.output, "test   10000 images of 1x28x28");
}

// --server-update-ms holds the real server (threads runtime) for that long per
// update: async, whose every gradient is an update, then applies at most one
// update per 25 ms of wall time (training time stops while an evaluation
// catches up, so a few holds overlap no training: 10% slack). The simulator
// refuses the option and names its own.
TEST(Cli, ServerCostsHoldTheRealServer) {
  testing::TempDir dir;
  const std::string base = "train --model mlp:16 --data synthetic:samples=2000 --mode async --workers 3 --delay none "
                           "--threads 1 --batch-size 8 --eval-every 1 ";
  const CommandResult r = hsgd(base + "--runtime threads --seconds 2 --server-update-ms 25 --out " + dir.file("o"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json s = testing::summary_of(dir.file("o"));
  const auto updates = s["accounting"]["updates"].get<uint64_t>();
  EXPECT_LE(updates, 1.1 * 2.0 / 0.025 + 3) << r.output;
  EXPECT_GE(updates, 10u) << r.output;
  EXPECT_TRUE(s["accounting"]["balances"].get<bool>());
  const CommandResult sim = hsgd(base + "--runtime sim --updates 5 --server-update-ms 25");
  EXPECT_EQ(sim.status, 1);
  EXPECT_CONTAINS(sim.output, "--sim-ps-update-ms");
}

}  // namespace
}  // namespace hsgd
