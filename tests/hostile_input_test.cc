// hostile_input_test.cc: hostile option values and config files, as a user
// (or a script gone wrong) gives them: each ends with a message naming what is
// wrong, exit status 1, before any data is loaded and before any folder is
// created. The data set named in every case does not exist, so a message
// about it would mean the data was read first.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;

const char* const kMissingData = "/nonexistent/hsgd-data";

// Runs `hsgd COMMAND args` in `dir`, with the options of a valid run that
// `args` does not give; checks exit status 1, the message, and that nothing
// was loaded or created.
void expect_refused(const testing::TempDir& dir, const std::string& args, const std::string& message,
                    const std::string& command = "train") {
  const std::string out = dir.file("out");
  const std::vector<std::pair<std::string, std::string>> base = {
      {"--runtime", command == "train" ? "single" : "sim"}, {"--model", "ray-tiny"},
      {"--data", std::string("idx:") + kMissingData},       {"--updates", "10"},
      {"--out", out}};
  std::string line = command + " " + args;
  for (const auto& [option, value] : base)
    if (args.find(option + " ") == std::string::npos) line += " " + option + " " + value;
  const CommandResult r = testing::hsgd_in(dir.str(), line, 20);
  EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
  EXPECT_CONTAINS(r.output, message);
  EXPECT_EQ(r.output.find(kMissingData), std::string::npos) << args << ": the data was read first:\n" << r.output;
  EXPECT_FALSE(fs::exists(out)) << args;
  EXPECT_FALSE(fs::exists(out + ".partial")) << args;
  EXPECT_FALSE(fs::exists(dir.file("runs"))) << args;
}

TEST(HostileInput, OptionValuesOutOfRangeOrMalformed) {
  testing::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--schedule step:S=0", "S = 0 is out of range: must be > 0"},
      {"--schedule step:S=10,S=20", "S is given twice"},
      {"--schedule step:S=inf", "is not a number"},
      {"--seconds inf", "--seconds = inf is out of range: must be in [0, 10000000]"},
      {"--seconds nan", "--seconds = nan is out of range"},
      {"--lr 1e400", "--lr = inf is out of range"},
      {"--lr 0.1x", "--lr = '0.1x' is not a number"},
      {"--lr ''", "--lr = '' is not a number"},
      {"--workers 1e3", "--workers = '1e3' is not a whole number"},
      {"--workers 99999999999999999999", "--workers = 99999999999999999999 is out of range"},
      {"--workers 200000", "--workers = 200000 is out of range: must be in [1, 100000]"},
      {"--runtime threads --workers 20000", "out of range for --runtime threads: must be in [1, 256]"},
      {"--seed -1", "--seed = '-1' is not a whole number >= 0"},
      {"--batch-size 0", "--batch-size = 0 is out of range: must be in [1, 8192]"},
      {"--batch-size 100000", "--batch-size = 100000 is out of range"},
      {"--eval-every 0.001", "--eval-every = 0.001 is out of range"},
      {"--eval-every 0.01 --seconds 100000", "more than 1000000 evaluations"},
      {"--eval-batch 100000", "--eval-batch = 100000 is out of range"},
      {"--threads 1000", "--threads = 1000 is out of range"},
      {"--delay-scale 1e9", "--delay-scale = 1e+09 is out of range: must be in [0, 3600]"},
      {"--momentum 1", "--momentum = 1 is out of range: must be in [0, 1)"},
      {"--target-accuracy 95", "--target-accuracy = 95 is out of range: must be in [0, 1]"},
      {"--max-staleness -2", "--max-staleness = -2 is out of range"},
      {"--sim-speeds 1,0", "--sim-speeds"},
      {"--sim-speeds 1,,2", "is not a number"},
      {"--worker-timeout 0", "--worker-timeout = 0 is out of range"},
      {"--mode semi", "--mode semi: unknown mode; expected sync, async, hybrid, ssp, k-sync, k-batch-async or gba"},
      {"--runtime gpu", "unknown runtime; expected single, threads, sim or mpi"},
      {"--lr 0.1 --lr 0.2", "--lr"},
      {"--nesterov", "--nesterov needs --momentum > 0"},
      {"--updates 0", "no training budget"},
      {"--model vgg", "--model vgg: unknown model"},
      {"--data svhn", "unknown data set 'svhn'"},
      {"--data idx:a,b", "idx: takes one folder or four comma-separated files, got 2"},
      {"--data synthetic:samples=100000000,features=65536", "more than 2e9 bytes"},
      {"--data synthetic:seed=1,seed=2", "seed is given twice"},
      {"--data synthetic:sep=1e300", "sep=1e300 must be in [0, 1000]"},
      {"--data csv:a.csv", "csv: takes two files, TRAIN.csv,TEST.csv, got 1"},
      {"--data csv:a.csv,b.csv,sep=pipe", "sep=pipe must be comma, semicolon or tab"},
      {"--data csv:a.csv,b.csv,header=maybe", "header=maybe must be auto, yes or no"},
      {"--data csv:a.csv,b.csv,classes=1", "classes=1 must be a whole number in [2, 256]"},
      {"--data csv:a.csv,b.csv,lable=y", "unknown option 'lable'"},
      {"--data idx:/d,classes=999", "classes=999 must be a whole number in [2, 256]"},
      {"--data cifar:a.bin,b.bin", "cifar: needs the image shape, shape=CxHxW"},
      {"--data cifar:a.bin,b.bin,shape=3x32x32,label-bytes=9", "label-bytes=9 must be a whole number in [1, 4]"},
      {"--model mlp:0", "--model mlp:0: mlp:H1[,H2,...] takes 1 to 8 hidden widths, each a whole number in [1, 16384]"},
      {"--model mlp:64,", "--model mlp:64,: mlp:H1[,H2,...] takes"},
      {"--model mlp:20000", "--model mlp:20000: mlp:H1"},
      {"--model mlp:1,2,3,4,5,6,7,8,9", "takes 1 to 8 hidden widths"},
      {"--model mlp:-4", "--model mlp:-4: mlp:H1"},
      {"--bogus 3", "--bogus"},
      {"--epochs one", "--epochs"},
  };
  for (const auto& [args, message] : cases) expect_refused(dir, args, message);
}

TEST(HostileInput, OutputFoldersThatCannotOrMustNotBeWritten) {
  testing::TempDir dir;
  std::ofstream(dir.file("file")) << "x";
  fs::create_directories(dir.file("mine"));
  std::ofstream(dir.file("mine/notes.txt")) << "not a run";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--out " + dir.file("file/run"), dir.file("file") + " is not a folder"},
      {"--out " + dir.file("file"), "is a file, not a folder"},
      {"--out " + dir.file("mine") + " --overwrite", "holds no run; hsgd never writes into it"},
      {"--out /proc/hsgd-run", "cannot create /proc/hsgd-run.partial"},
  };
  for (const auto& [args, message] : cases) expect_refused(dir, args, message);
  EXPECT_TRUE(fs::exists(dir.file("mine/notes.txt")));
}

TEST(HostileInput, ConfigFiles) {
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  const std::string big = write("big.toml", "# " + std::string(1 << 20, 'x') + "\n");
  mkfifo(dir.file("fifo.toml").c_str(), 0600);
  fs::create_directories(dir.file("folder.toml"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {write("unknown.toml", "epochs = 1\nlearning_rate = 0.1\n"), "unknown.toml:2: unknown key 'learning_rate'"},
      {write("string.toml", "lr = \"0.1\"\n"), "string.toml:1: key 'lr' must be a number"},
      {write("float.toml", "workers = 2.5\n"), "float.toml:1: key 'workers' must be an integer"},
      {write("bool.toml", "nesterov = 1\n"), "key 'nesterov' must be true or false"},
      {write("duplicate.toml", "lr = 0.1\nlr = 0.2\n"), "duplicate.toml:2:"},
      {write("syntax.toml", "lr = = 3\n"), "syntax.toml:1:"},
      {write("range.toml", "workers = -4\n"), "--workers = -4 is out of range"},
      {write("choice.toml", "mode = \"semi\"\n"), "unknown mode"},
      {write("table.toml", "[train]\nlr = 0.1\n"), "unknown key 'train'"},
      {big, "too large: 1048579 bytes, more than the 1048576 allowed for the config file"},
      {dir.file("fifo.toml"), "not a regular file but a FIFO: cannot read the config file"},
      {dir.file("folder.toml"), "not a regular file but a folder"},
      {dir.file("missing.toml"), "missing.toml: missing file: cannot open the config file"},
  };
  for (const auto& [path, message] : cases) expect_refused(dir, "--config " + path, message);
}

TEST(HostileInput, CompareModes) {
  testing::TempDir dir;
  expect_refused(dir, "--modes sync,foo", "'foo' is no mode", "compare");
  expect_refused(dir, "--modes sync,sync", "sync is given twice", "compare");
  expect_refused(dir, "--modes ''", "--modes is empty", "compare");
}

TEST(HostileInput, CompareSeeds) {
  testing::TempDir dir;
  expect_refused(dir, "--seeds 0", "--seeds = 0 is out of range: must be a whole number in [1, 1000]", "compare");
  expect_refused(dir, "--seeds 1001", "--seeds = 1001 is out of range", "compare");
  expect_refused(dir, "--seeds -3", "--seeds = -3 is out of range", "compare");
  expect_refused(dir, "--seeds 2.5", "--seeds = 2.5: must be a whole number in [1, 1000]", "compare");
  expect_refused(dir, "--seeds five", "--seeds = five: must be a whole number", "compare");
  expect_refused(dir, "--seeds 99999999999999999999", "--seeds = 99999999999999999999: must be a whole number",
                 "compare");
  expect_refused(dir, "--seeds 3 --seed 9199999999999999999", "the last seed would be above 9200000000000000000",
                 "compare");
}

}  // namespace
}  // namespace hsgd
