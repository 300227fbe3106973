// experiment_test.cc: the torch-free parts of `hsgd experiment`: statistics,
// suite files, reading metrics back, and the synthetic data set.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"
#include "hsgd/common/toml_text.h"
#include "hsgd/config/option_io.h"
#include "hsgd/config/train_config.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/data/synthetic.h"
#include "hsgd/experiment/report.h"
#include "hsgd/experiment/report_data.h"
#include "hsgd/experiment/stats.h"
#include "hsgd/experiment/throughput_check.h"
#include "hsgd/experiment/suite.h"
#include "hsgd/metrics/csv_writer.h"
#include "hsgd/metrics/metrics_reader.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

// ---------------------------------------------------------------- statistics

TEST(Stats, StudentTMatchesTables) {
  EXPECT_NEAR(stats::student_t_cdf(0, 4), 0.5, 1e-12);
  EXPECT_NEAR(stats::student_t_quantile(0.975, 4), 2.776445, 1e-5);   // the usual table values
  EXPECT_NEAR(stats::student_t_quantile(0.975, 1), 12.706205, 1e-4);
  EXPECT_NEAR(stats::student_t_quantile(0.975, 30), 2.042272, 1e-5);
  EXPECT_NEAR(stats::student_t_quantile(0.025, 9), -2.262157, 1e-5);
  EXPECT_NEAR(stats::student_t_cdf(1.0, 1), 0.75, 1e-10);  // Cauchy: 1/2 + atan(1)/pi
  EXPECT_NEAR(stats::student_t_cdf(-2.0, 2), 0.5 * (1 - 2 / std::sqrt(6.0)), 1e-10);  // closed form for df 2
}

TEST(Stats, SummaryOfAPairedSample) {
  // Differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t = 3 / (sd / sqrt 5) = 4.2426, df 4.
  const auto s = stats::summarize({1, 2, 3, 4, 5});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.stddev, std::sqrt(2.5), 1e-12);
  const double half = 2.776445 * std::sqrt(2.5) / std::sqrt(5.0);
  EXPECT_NEAR(s.ci95_low, 3 - half, 1e-5);
  EXPECT_NEAR(s.ci95_high, 3 + half, 1e-5);
  EXPECT_NEAR(s.p_value, 0.013236, 1e-5);  // scipy.stats.ttest_1samp([1,2,3,4,5], 0).pvalue
}

TEST(Stats, DegenerateSamples) {
  const auto one = stats::summarize({2.5});
  EXPECT_EQ(one.n, 1);
  EXPECT_EQ(one.mean, 2.5);
  EXPECT_TRUE(std::isnan(one.ci95_low) && std::isnan(one.ci95_high));  // never a zero-width interval
  EXPECT_TRUE(std::isnan(one.p_value));                                // never p = 1 from one value
  EXPECT_TRUE(std::isnan(one.stddev));
  const auto constant = stats::summarize({0.5, 0.5, 0.5});
  EXPECT_EQ(constant.stddev, 0);
  EXPECT_EQ(constant.p_value, 0);  // no variance, non-zero mean
  const auto with_nan = stats::summarize({1, NAN, 3});
  EXPECT_EQ(with_nan.n, 2);
  EXPECT_DOUBLE_EQ(with_nan.mean, 2);
  EXPECT_TRUE(std::isnan(stats::summarize({}).mean));
}

// ---------------------------------------------------------------- suites

const char* const kSuite = R"(
name = "t"
seeds = 2
modes = ["async", "hybrid"]
[options]
runtime = "sim"
lr = 0.01
data = "synthetic:seed={seed}"
[[table]]
name = "first"
vary = ["schedule", "batch-size"]
labels = ["a", "b", "c", "d"]
[table.grid]
batch-size = [32, 64]
schedule = ["step:S=300", "step:S=500"]
[table.paper]
test_accuracy = [1, -2, 3, 4]
[[table]]
name = "second"
options = { schedule = "step:S=500" }
[table.grid]
batch-size = [32]
)";

TEST(Suite, GridCellsLabelsAndPaperNumbers) {
  const Suite s = parse_suite(kSuite, "t.toml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seeds, (std::vector<uint64_t>{1, 2}));
  ASSERT_EQ(s.tables.size(), 2u);
  const SuiteTable& t = s.tables[0];
  ASSERT_EQ(t.cells.size(), 4u);  // the first axis of vary varies slowest
  EXPECT_EQ(t.cells[0].key, "schedule=step-S=300_batch-size=32");
  EXPECT_EQ(t.cells[1].key, "schedule=step-S=300_batch-size=64");
  EXPECT_EQ(t.cells[2].key, "schedule=step-S=500_batch-size=32");
  EXPECT_EQ(t.cells[3].label, "d");
  EXPECT_EQ(t.paper.at("test_accuracy"), (std::vector<double>{1, -2, 3, 4}));
  // The second table's only cell is the first table's third: one folder, run once.
  EXPECT_EQ(s.tables[1].cells[0].key, "schedule=step-S=500_batch-size=32");
  EXPECT_EQ(s.tables[1].cells[0].label, "batch-size=32");
  const auto runs = plan_runs(s);
  EXPECT_EQ(runs.size(), 2u * 2 + 4 * 2);  // async per (batch, seed): it reads no schedule; hybrid per (cell, seed)
  std::set<std::string> dirs;
  for (const auto& r : runs) dirs.insert(r.dir);
  EXPECT_EQ(dirs.size(), runs.size());
}

TEST(Suite, ZippedAxesMakeOneCellPerPosition) {
  const Suite s = parse_suite(
      "name = \"z\"\n[[table]]\nname = \"T\"\nvary = [\"workers\", \"lr\"]\ncombine = \"zip\"\n"
      "[table.grid]\nworkers = [25, 100, 400]\nlr = [0.01, 0.0025, 0.000625]\n",
      "z.toml");
  ASSERT_EQ(s.tables[0].cells.size(), 3u);
  EXPECT_EQ(s.tables[0].cells[1].label, "workers=100, lr=0.0025");
  EXPECT_EQ(s.tables[0].cells[2].key, "workers=400_lr=0.000625");
  auto error = [](const std::string& text) {
    try {
      parse_suite(text, "z.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string uneven = error(
      "name = \"z\"\n[[table]]\ncombine = \"zip\"\n[table.grid]\nworkers = [25, 100]\nlr = [0.01]\n");
  EXPECT_NE(uneven.find("z.toml:3: combine = \"zip\" needs axes of one length"), std::string::npos) << uneven;
  const std::string unknown = error("name = \"z\"\n[[table]]\ncombine = \"cross\"\n");
  EXPECT_NE(unknown.find("combine must be \"product\" or \"zip\""), std::string::npos) << unknown;
  const std::string number = error("name = \"z\"\n[[table]]\ncombine = 3\n");
  EXPECT_NE(number.find("z.toml:3: combine must be \"product\" or \"zip\""), std::string::npos) << number;
  const std::string diverged = error("name = \"z\"\ndiverged = \"ignore\"\n");
  EXPECT_NE(diverged.find("z.toml:2: diverged must be \"fail\""), std::string::npos) << diverged;
}

TEST(Suite, RunRequestsCarryEveryOptionAndTheSeed) {
  const auto runs = plan_runs(parse_suite(kSuite, "t.toml"));
  const SuiteRun& r = runs[3];  // cell (300, 32), seed 2, hybrid
  EXPECT_EQ(r.dir, "runs/schedule=step-S=300_batch-size=32/hybrid-seed2");
  for (const char* line : {"mode = \"hybrid\"\n", "seed = 2\n", "runtime = \"sim\"\n", "lr = 0.01\n",
                           "data = \"synthetic:seed=2\"\n", "batch-size = 32\n", "schedule = \"step:S=300\"\n"})
    EXPECT_NE(r.request.find(line), std::string::npos) << line << " not in\n" << r.request;
}

// A grid of schedule x batch size, and a second table whose cell differs from
// the first table's (300, 32) only in `wait`, which sync and async ignore too.
const char* const kSharingSuite = R"(
name = "t"
seeds = 2
[options]
runtime = "sim"
[[table]]
name = "grid"
vary = ["schedule", "batch-size"]
[table.grid]
schedule = ["step:S=300", "step:S=500"]
batch-size = [32, 64]
[[table]]
name = "waiting"
options = { schedule = "step:S=300", wait = "applied" }
[table.grid]
batch-size = [32]
)";

TEST(Suite, SyncAndAsyncRunsAreSharedByCellsThatDifferOnlyInOptionsTheyIgnore) {
  const Suite s = parse_suite(kSharingSuite, "t.toml");
  const auto& grid = s.tables[0].cells;
  const std::string waiting = s.tables[1].cells[0].key;
  const auto runs = plan_runs(s);
  std::map<std::string, int> per_mode;
  std::set<std::string> dirs;
  for (const SuiteRun& r : runs) {
    ++per_mode[r.mode];
    dirs.insert(r.dir);
    EXPECT_EQ(r.cells.front(), r.cell_key);
    EXPECT_NE(r.request.find("batch-size = "), std::string::npos) << r.request;
    if (r.mode == "hybrid") {
      EXPECT_EQ(r.cells.size(), 1u) << r.dir;
      EXPECT_EQ(r.request, r.request_with_ignored_options);
      EXPECT_NE(r.request.find("schedule = \"step:S="), std::string::npos) << r.request;
      continue;
    }
    // Served from the S = 300 cell of its batch size, to the S = 500 one (and the wait one at 32).
    EXPECT_EQ(r.request.find("schedule = "), std::string::npos) << r.request;
    EXPECT_EQ(r.request.find("wait = "), std::string::npos) << r.request;
    EXPECT_NE(r.request_with_ignored_options.find("schedule = \"step:S=300\"\n"), std::string::npos);
    const bool batch32 = r.cell_key == grid[0].key;
    EXPECT_TRUE(batch32 || r.cell_key == grid[1].key) << r.dir;
    const std::vector<std::string> served = batch32 ? std::vector<std::string>{grid[0].key, grid[2].key, waiting}
                                                    : std::vector<std::string>{grid[1].key, grid[3].key};
    EXPECT_EQ(r.cells, served) << r.dir;
  }
  EXPECT_EQ(per_mode, (std::map<std::string, int>{{"sync", 2 * 2}, {"async", 2 * 2}, {"hybrid", 5 * 2}}));
  EXPECT_EQ(dirs.size(), runs.size());

  // Every cell, mode and seed has its folder: its own, or the owner's.
  const RunFolders folders(runs);
  for (const auto& table : s.tables)
    for (const auto& cell : table.cells)
      for (uint64_t seed : s.seeds)
        for (const auto& mode : s.modes) {
          const std::string& folder = folders.of(cell.key, mode, seed);
          EXPECT_TRUE(dirs.count(folder)) << folder;
          if (mode == "hybrid") {
            EXPECT_EQ(folder, run_dir(cell.key, mode, seed));
          }
        }
  EXPECT_EQ(folders.of(grid[3].key, "sync", 2), run_dir(grid[1].key, "sync", 2));
  EXPECT_EQ(folders.of(waiting, "async", 1), run_dir(grid[0].key, "async", 1));
  EXPECT_EQ(folders.of(waiting, "hybrid", 1), run_dir(waiting, "hybrid", 1));
  testing::expect_error<Error>([&] { folders.of(grid[0].key, "sync", 3); }, {"no planned run", "sync-seed3"});
}

TEST(Suite, RunsWithTheSameOptionsInAnotherOrderAreOneRun) {
  const Suite s = parse_suite(
      "name = \"x\"\nmodes = [\"async\"]\n[[table]]\nname = \"A\"\nvary = [\"lr\", \"batch-size\"]\n"
      "[table.grid]\nlr = [0.1]\nbatch-size = [8]\n"
      "[[table]]\nname = \"B\"\nvary = [\"batch-size\", \"lr\"]\n[table.grid]\nlr = [0.1]\nbatch-size = [8]\n",
      "ok.toml");
  ASSERT_NE(s.tables[0].cells[0].key, s.tables[1].cells[0].key);  // two folder names, one run
  const auto runs = plan_runs(s);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].cells, (std::vector<std::string>{s.tables[0].cells[0].key, s.tables[1].cells[0].key}));
}

TEST(Suite, OverridesReplaceOptionsAndKeepTheirType) {
  const Suite s = parse_suite(kSuite, "t.toml", {"lr=0.1", "model=mnist-cnn", "staleness-lr=true"});
  const auto runs = plan_runs(s);
  EXPECT_NE(runs[0].request.find("lr = 0.1\n"), std::string::npos);
  EXPECT_NE(runs[0].request.find("model = \"mnist-cnn\"\n"), std::string::npos);
  EXPECT_NE(runs[0].request.find("staleness-lr = true\n"), std::string::npos);
  testing::expect_error<ConfigError>([] { parse_suite(kSuite, "t.toml", {"lr"}); }, {"--set lr", "NAME=VALUE"});
}

TEST(Suite, MistakesNameTheFileAndLine) {
  testing::expect_error<ConfigError>([] { parse_suite("name = \"x\"\nseeds = [1, \n", "bad.toml"); }, {"bad.toml:"});
  testing::expect_error<ConfigError>([] { parse_suite("name = \"x\"\nbogus = 1\n", "bad.toml"); },
                                     {"bad.toml:2", "unknown key 'bogus'"});
  testing::expect_error<ConfigError>([] { parse_suite("seeds = 2\n", "bad.toml"); }, {"needs a name"});
  testing::expect_error<ConfigError>([] { parse_suite("name = \"x\"\nmodes = [\"fast\"]\n", "bad.toml"); },
                                     {"bad.toml:2", "modes are sync, async, hybrid, ssp, k-sync, k-batch-async and gba"});
  testing::expect_error<ConfigError>(
      [] { parse_suite("name = \"x\"\n[options]\nseed = 3\n", "bad.toml"); }, {"'seed' is set by the suite runner"});
  testing::expect_error<ConfigError>(
      [] {
        parse_suite("name = \"x\"\n[[table]]\n[table.grid]\nlr = [0.1, 0.2]\n[table.paper]\ntest_accuracy = [1]\n",
                    "bad.toml");
      },
      {"bad.toml:6", "paper.test_accuracy has 1 values but the table has 2 cells"});
  testing::expect_error<ConfigError>(
      [] { parse_suite("name = \"x\"\n[[table]]\nvary = [\"lr\"]\n[table.grid]\nbatch-size = [1]\n", "bad.toml"); },
      {"grid axis 'batch-size' is not in vary"});
  testing::expect_error<ConfigError>([] { load_suite("no-such-suite"); }, {"no-such-suite", "paper-mnist", "quick"});
}

TEST(Suite, BuiltInSuitesParseWithThePaperGrids) {
  std::set<std::string> names;
  for (const auto& [name, text] : builtin_suites()) {
    const Suite s = load_suite(name);
    EXPECT_EQ(s.name, name);
    names.insert(name);
    for (const auto& t : s.tables)
      for (const auto& [metric, values] : t.paper) EXPECT_EQ(values.size(), t.cells.size()) << name << " " << metric;
  }
  EXPECT_EQ(names, (std::set<std::string>{
                       "quick", "paper-mnist", "paper-cifar10", "paper-synthetic", "open-questions", "calibrate-mnist",
                       "calibrate-mnist-wide", "calibrate-cifar10-wide", "paper-mnist-fitted", "paper-cifar10-fitted",
                       "map-mnist", "map-cifar10", "scale-mnist", "network-mnist", "beyond", "beyond-ssp",
                       "beyond-backup", "beyond-cifar10", "beyond-cifar10-ssp", "beyond-cifar10-backup",
                       "sharding-mnist", "ranking-mnist", "ranking-mnist-ssp", "ranking-mnist-backup",
                       "ranking-mnist-syncswitch", "ranking-cifar10", "ranking-cifar10-ssp",
                       "ranking-cifar10-backup", "ranking-cifar10-syncswitch"}));
  // The fitted tables, the map, the scale study and sharding take the simulator's costs from a profile.
  for (const char* name : {"paper-mnist-fitted", "paper-cifar10-fitted", "map-mnist", "map-cifar10", "scale-mnist",
                           "network-mnist", "sharding-mnist"}) {
    const SuiteOptions options = load_suite(name).options;
    const auto is_profile = [](const SuiteOption& o) { return o.name == "sim-profile"; };
    EXPECT_TRUE(std::any_of(options.begin(), options.end(), is_profile)) << name;
  }
  const Suite mnist = load_suite("paper-mnist");
  EXPECT_EQ(mnist.seeds.size(), 5u);
  // hybrid per (S, batch, seed); sync and async read no S: per (batch, seed).
  EXPECT_EQ(plan_runs(mnist).size(), (2u * 2 + 2 * 2) * 5);
  EXPECT_EQ(mnist.tables[0].paper.at("test_accuracy")[0], 1.374);
  // Tables 3-5 share the cell (batch 32, S = 500, sigma 0.25): 13 distinct cells;
  // the 4 other step sizes of Table 3 differ from it only in S, which sync and async ignore.
  EXPECT_EQ(plan_runs(load_suite("paper-synthetic")).size(), (13u + 9 * 2) * 5);
  // sharding-mnist: async and hybrid at 6 points x S in {1, 2, 4}, 5 seeds; every run is distinct.
  EXPECT_EQ(plan_runs(load_suite("sharding-mnist")).size(), 6u * 3 * 2 * 5);
}

// Issue 14's suites: every run they plan is a valid `hsgd train` request (a
// mode's own options only where that mode runs), and runs are shared where
// the mode ignores the axis: per world, sync and async once, hybrid per schedule.
TEST(Suite, TheBeyondSuitesPlanValidRuns) {
  const std::pair<const char*, size_t> suites[] = {{"beyond", (2u * (3 + 1 + 1)) * 5},
                                                   {"beyond-ssp", 2u * 2 * 5},
                                                   {"beyond-backup", 2u * 2 * 5},
                                                   {"beyond-cifar10", (2u * (3 + 1 + 1)) * 5},
                                                   {"beyond-cifar10-ssp", 2u * 2 * 5},
                                                   {"beyond-cifar10-backup", 2u * 2 * 5}};
  for (const auto& [name, count] : suites) {
    const std::vector<SuiteRun> runs = plan_runs(load_suite(name));
    EXPECT_EQ(runs.size(), count) << name;
    for (const SuiteRun& run : runs) {
      TrainConfig c;
      read_config_text(run.request, run.dir, c, [](const std::string&) { return false; });
      EXPECT_NO_THROW(c.validate()) << name << " " << run.dir << "\n" << run.request;
    }
  }
}

// ---------------------------------------------------------------- metrics files

TEST(MetricsReader, ReadsBackWhatMetricsFileWrote) {
  testing::TempDir dir;
  {
    MetricsFile f(dir.file("metrics.csv"));
    MetricsRow r;
    r.time_s = 2;
    r.gradients = 40;
    r.updates = 10;
    r.k = 4;
    r.staleness_mean = 1.5;
    r.train_loss = NAN;
    r.test_loss = 0.25;
    r.test_accuracy = 0.875;
    f.write(r);
    r.time_s = 4;
    r.train_loss = 0.5;
    f.write(r);
  }
  const auto rows = read_metrics_csv(dir.file("metrics.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].k, 4);
  EXPECT_EQ(rows[0].gradients, 40u);
  EXPECT_TRUE(std::isnan(rows[0].train_loss));
  EXPECT_EQ(rows[1].train_loss, 0.5);
  EXPECT_EQ(rows[1].test_accuracy, 0.875);
}

TEST(MetricsReader, BrokenFilesAreNamedWithTheLine) {
  testing::TempDir dir;
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("none.csv")); }, {"none.csv", "missing file"});
  std::ofstream(dir.file("header.csv")) << "time,acc\n1,2\n";
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("header.csv")); }, {"header.csv", "line 1"});
  std::string header;
  for (const auto& c : metrics_columns()) header += (header.empty() ? "" : ",") + c;
  std::ofstream(dir.file("short.csv")) << header << "\n1,2,3\n";
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("short.csv")); }, {"line 2", "3 fields"});
  std::ofstream(dir.file("text.csv")) << header << "\n1,2,3,4,5,6,7,8,9,10,11,x\n";
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("text.csv")); }, {"line 2", "'x' is not a number"});
}

// Found by fuzz/metrics_fuzz.cc: a count that no integer holds (here 2^640)
// was converted to uint64_t anyway, which is undefined behaviour.
TEST(MetricsReader, CountsMustBeWholeNumbersInRange) {
  std::string header;
  for (const auto& c : metrics_columns()) header += (header.empty() ? "" : ",") + c;
  const std::string rest = ",0,nan,2.3,0.1\n";
  EXPECT_EQ(parse_metrics_csv(header + "\n0,18446744073709549568,0,2147483647,0,0,0,0" + rest, "m.csv")[0].k,
            2147483647);
  for (const char* row : {"0,0,0,1,0,0,0x1p640,0", "0,-1,0,1,0,0,0,0", "0,0,nan,1,0,0,0,0", "0,0,0,2147483648,0,0,0,0",
                          "0,0,0,1,0,2.5,0,0", "0,0,0,1,0,0,0,inf", "0,18446744073709551616,0,1,0,0,0,0"})
    testing::expect_error<DataError>([&] { parse_metrics_csv(header + "\n" + row + rest, "m.csv"); },
                                     {"m.csv", "line 2", "is not a whole number"});
}

// ---------------------------------------------------------------- synthetic data

TEST(Synthetic, TheSeedFixesTheDataAndTheSplitIs80To20) {
  const Dataset a = load_dataset("synthetic:seed=3", ""), b = load_dataset("synthetic:seed=3", "");
  const Dataset c = load_dataset("synthetic:seed=4", "");
  EXPECT_EQ(a.train.size(), 8000u);
  EXPECT_EQ(a.test.size(), 2000u);
  EXPECT_EQ(a.train.shape, (ImageShape{1, 1, 20}));
  EXPECT_EQ(a.num_classes, 10);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.test.labels, b.test.labels);
  EXPECT_NE(a.train.pixels, c.train.pixels);
  std::vector<int> per_class(10);
  for (uint8_t l : a.train.labels) ++per_class[l];
  for (uint8_t l : a.test.labels) ++per_class[l];
  for (int n : per_class) EXPECT_EQ(n, 1000);  // balanced
}

TEST(Synthetic, ClassesAreSeparatedButOverlap) {
  // Nearest-centroid accuracy on the test set (centroids from the training set):
  // well above chance (10%) and below 100% with the default separation.
  const Dataset d = load_dataset("synthetic:seed=1", "");
  const int f = 20;
  std::vector<double> centroid(10 * f), count(10);
  for (size_t i = 0; i < d.train.size(); ++i) {
    ++count[d.train.labels[i]];
    for (int j = 0; j < f; ++j) centroid[d.train.labels[i] * f + j] += d.train.image(i)[j];
  }
  for (int k = 0; k < 10; ++k)
    for (int j = 0; j < f; ++j) centroid[k * f + j] /= count[k];
  int correct = 0;
  for (size_t i = 0; i < d.test.size(); ++i) {
    int best = 0;
    double best_d = 1e300;
    for (int k = 0; k < 10; ++k) {
      double dist = 0;
      for (int j = 0; j < f; ++j) dist += std::pow(d.test.image(i)[j] - centroid[k * f + j], 2);
      if (dist < best_d) best_d = dist, best = k;
    }
    correct += best == d.test.labels[i];
  }
  const double accuracy = static_cast<double>(correct) / d.test.size();
  EXPECT_GT(accuracy, 0.5);
  EXPECT_LT(accuracy, 0.99);
}

TEST(Synthetic, BadSpecsAreNamed) {
  testing::expect_error<ConfigError>([] { load_dataset("synthetic:features=0", ""); }, {"features=0", "[1, "});
  testing::expect_error<ConfigError>([] { load_dataset("synthetic:test=1.5", ""); }, {"test=1.5", "(0, 1)"});
  testing::expect_error<ConfigError>([] { load_dataset("synthetic:colour=red", ""); }, {"unknown key 'colour'"});
  testing::expect_error<ConfigError>([] { load_dataset("synthetic:samples", ""); }, {"not key=value"});
  testing::expect_error<ConfigError>([] { load_dataset("synthetic:samples=abc", ""); }, {"not a number"});
}

}  // namespace
}  // namespace hsgd

// ---------------------------------------------------------------- the report

namespace hsgd {
namespace {

// Writes runs/<cell>/<mode>-seed<N>/metrics.csv with the given test accuracies at t = 0, 1, 2, ...
void write_fake_run(const std::string& root, const std::string& cell, const std::string& mode, uint64_t seed,
                    const std::vector<double>& accuracy) {
  const std::string dir = root + "/" + run_dir(cell, mode, seed);
  std::filesystem::create_directories(dir);
  MetricsFile f(dir + "/metrics.csv");
  for (size_t i = 0; i < accuracy.size(); ++i) {
    MetricsRow r;
    r.time_s = static_cast<double>(i);
    r.test_accuracy = accuracy[i];
    r.test_loss = 1 - accuracy[i];
    r.train_loss = 2 - accuracy[i];
    r.k = mode == "hybrid" ? static_cast<int>(i + 1) : 1;
    f.write(r);
  }
}

TEST(Report, TablesAreComputedFromTheMetricsFiles) {
  testing::TempDir dir;
  const Suite suite = parse_suite(
      "name = \"fake\"\nseeds = 2\n[[table]]\nname = \"T\"\n[table.grid]\nlr = [0.5]\n"
      "[table.paper]\ntest_accuracy = [1.0]\ntest_loss = [0.1]\ntrain_loss = [-0.1]\n",
      "fake.toml");
  const std::string cell = suite.tables[0].cells[0].key;
  // hybrid - async per seed: +10 and +20 points averaged over the run; sync is 30 points lower.
  write_fake_run(dir.str(), cell, "async", 1, {0.5, 0.5, 0.5});
  write_fake_run(dir.str(), cell, "hybrid", 1, {0.5, 0.6, 0.7});
  write_fake_run(dir.str(), cell, "sync", 1, {0.2, 0.3, 0.4});
  write_fake_run(dir.str(), cell, "async", 2, {0.5, 0.5, 0.5});
  write_fake_run(dir.str(), cell, "hybrid", 2, {0.6, 0.7, 0.8});
  write_fake_run(dir.str(), cell, "sync", 2, {0.3, 0.4, 0.5});
  ReportOptions options;
  options.results_dir = dir.str();
  options.figures = false;
  const ReportOutcome outcome = build_report(suite, options);
  EXPECT_TRUE(std::filesystem::exists(outcome.report_path));

  std::ifstream in(dir.file("tables.csv"));
  std::map<std::string, std::vector<std::string>> rows;  // "comparison metric over" -> fields
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    if (f.size() > 5) rows[f[3] + " " + f[4] + " " + f[5]] = f;
  }
  const auto& acc = rows.at("hybrid-async test_accuracy run");
  EXPECT_EQ(acc[6], "2");
  EXPECT_NEAR(std::stod(acc[7]), 15, 1e-9);                          // mean of +10 and +20
  EXPECT_NEAR(std::stod(acc[8]), std::sqrt(50.0), 1e-4);             // sd (6 significant digits)
  EXPECT_NEAR(std::stod(acc[10]) - 15, 12.706205 * 5, 1e-3);         // t(0.975, 1) * sd / sqrt(2)
  EXPECT_NEAR(std::stod(acc[11]), 0.2048, 1e-4);                     // 2 (1 - T_1(3))
  EXPECT_EQ(acc[12], "1");                                           // the paper's value
  EXPECT_EQ(acc[13], "yes");                                         // same sign
  EXPECT_EQ(acc[14], "no");                                          // not significant
  EXPECT_NEAR(std::stod(rows.at("hybrid-async test_loss run")[7]), -0.15, 1e-9);
  EXPECT_EQ(rows.at("hybrid-async test_loss run")[13], "no");        // the paper said +0.1
  EXPECT_NEAR(std::stod(rows.at("hybrid-sync test_accuracy run")[7]), 30, 1e-9);
  EXPECT_NEAR(std::stod(rows.at("hybrid-sync test_accuracy run")[8]), 0, 1e-9);  // the same +30 in both seeds
  EXPECT_NEAR(std::stod(rows.at("hybrid-async test_accuracy final")[7]), 25, 1e-9);  // 70-50, 80-50

  std::ifstream report(outcome.report_path);
  const std::string md((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("| lr=0.5 | +1.000 | +15.00 [-48.53, +78.53] | 0.205 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Test accuracy: sign reproduced (paper +1.000, hsgd +15.00), not significant (p = 0.205)"),
            std::string::npos) << md;

  // The paired difference over time: per seed hybrid - async is 0, 10, 20 and 10, 20, 30 points at t = 0, 1, 2.
  std::ifstream curve(dir.file("curves/" + cell + "-hybrid-minus-async.csv"));
  std::vector<std::vector<double>> points;
  std::string line;
  std::getline(curve, line);
  EXPECT_EQ(line, "time_s,n,test_accuracy_mean,test_accuracy_low,test_accuracy_high,test_loss_mean,test_loss_low,"
                  "test_loss_high");
  while (std::getline(curve, line)) {
    std::vector<double> v;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) v.push_back(std::stod(x));
    points.push_back(v);
  }
  ASSERT_EQ(points.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(points[i][0], static_cast<double>(i));
    EXPECT_EQ(points[i][1], 2);
    EXPECT_NEAR(points[i][2], 5 + 10.0 * i, 1e-9);
    EXPECT_NEAR(points[i][4] - points[i][2], 12.706205 * 5, 1e-3);  // the paired band: t(0.975, 1) * sd / sqrt(2)
    EXPECT_NEAR(points[i][5], -0.05 - 0.1 * i, 1e-9);
  }
  std::ifstream script(dir.file("figures/" + cell + "-differences.gp"));
  const std::string gp((std::istreambuf_iterator<char>(script)), std::istreambuf_iterator<char>());
  EXPECT_NE(gp.find("set xlabel 'time (s)'"), std::string::npos) << gp;  // no runtime = sim: real time
  EXPECT_NE(gp.find("hybrid - sync"), std::string::npos) << gp;
  EXPECT_NE(md.find("figures/" + cell + "-differences.png"), std::string::npos) << md;

  // A missing run is named.
  std::filesystem::remove_all(dir.file(run_dir(cell, "sync", 2)));
  testing::expect_error<DataError>([&] { build_report(suite, options); }, {"sync-seed2/metrics.csv", "missing file"});
}


}  // namespace
}  // namespace hsgd

// ---------------------------------------------------------------- TOML values

namespace hsgd {
namespace {

// The value read back by toml++ (through the suite parser): description = <text>.
std::string read_back_toml_string(const std::string& toml) {
  return parse_suite("name = \"x\"\ndescription = " + toml + "\n", "t.toml").description;
}

TEST(Report, ADivergedRunKeepsItsLastEvaluationToTheEndOfItsBudget) {
  testing::TempDir dir;
  const Suite suite = parse_suite("name = \"fake\"\nseeds = 1\nmodes = [\"async\", \"hybrid\"]\n", "fake.toml");
  const std::string cell = suite.tables[0].cells[0].key;
  write_fake_run(dir.str(), cell, "async", 1, {0.5, 0.5, 0.5, 0.5, 0.5});
  // hybrid diverged at t = 2 with 10% accuracy; its budget was 4 s, evaluated every second.
  write_fake_run(dir.str(), cell, "hybrid", 1, {0.5, 0.6, 0.1});
  std::ofstream(dir.file(run_dir(cell, "hybrid", 1) + "/summary.json"))
      << R"({"status": "diverged", "config": {"seconds": 4, "eval_every": 1}})";
  ReportOptions options;
  options.results_dir = dir.str();
  options.figures = false;
  build_report(suite, options);
  const report::CellResults cells = report::load_cells(suite, dir.str());
  const report::RunValues& hybrid = cells.at(cell).modes.at("hybrid").at(1);
  EXPECT_TRUE(hybrid.diverged());
  EXPECT_EQ(hybrid.diverged_at_s, 2);
  ASSERT_EQ(hybrid.rows.size(), 5u);  // t = 0 .. 4
  EXPECT_EQ(hybrid.rows.back().time_s, 4);
  // (50 + 60 + 10 + 10 + 10) / 5 points, not (50 + 60 + 10) / 3.
  EXPECT_NEAR(hybrid.value(report::Over::kRun, report::Metric::kTestAccuracy), 28, 1e-9);
  EXPECT_FALSE(cells.at(cell).modes.at("async").at(1).diverged());
  std::ifstream report(dir.file("REPORT.md"));
  const std::string md((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("| all | hybrid | 1 of 1 (seeds 1) | 2.0 |"), std::string::npos) << md;

  // A summary.json that is not one is named.
  auto error_with_summary = [&](const std::string& json) {
    std::ofstream(dir.file(run_dir(cell, "hybrid", 1) + "/summary.json")) << json;
    try {
      report::load_cells(suite, dir.str());
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  for (const auto& [json, message] : std::vector<std::pair<std::string, std::string>>{
           {R"({"status": "diverged"})", "summary.json: not a run summary"},
           {"[1, 2", "summary.json: not a run summary"},
           {R"({"status": "diverged", "config": {"seconds": 1e300, "eval_every": 1e-300}})", "out of range"}}) {
    const std::string error = error_with_summary(json);
    EXPECT_NE(error.find(message), std::string::npos) << json << ": " << error;
  }
}

TEST(TomlText, StringsAreEscapedAsTomlBasicStrings) {
  EXPECT_EQ(toml_string("sim"), "\"sim\"");
  EXPECT_EQ(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(toml_string("\b\t\n\f\r"), "\"\\b\\t\\n\\f\\r\"");
  EXPECT_EQ(toml_string(std::string("\x01\x1b\x1f\x7f", 4)), "\"\\u0001\\u001B\\u001F\\u007F\"");
  EXPECT_EQ(toml_string(std::string(1, '\0')), "\"\\u0000\"");
  EXPECT_EQ(toml_string("é {seed} ü"), "\"é {seed} ü\"");  // UTF-8 and braces as they are
  // Every ASCII character, and UTF-8, reads back as itself.
  std::string all;
  for (int c = 0; c < 128; ++c) all += static_cast<char>(c);
  all += "é";
  EXPECT_EQ(read_back_toml_string(toml_string(all)), all);
}

TEST(TomlText, NumbersAreTheShortestTextThatReadsBack) {
  EXPECT_EQ(toml_number(0.01), "0.01");
  EXPECT_EQ(toml_number(0.25), "0.25");
  EXPECT_EQ(toml_number(32), "32");
  EXPECT_EQ(toml_number(-0.5), "-0.5");
  EXPECT_EQ(toml_number(1e-05), "1e-05");
  EXPECT_EQ(toml_number(1e22), "1e+22");
  EXPECT_EQ(toml_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(toml_number(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(toml_number(NAN), "nan");
  EXPECT_EQ(toml_number(INFINITY), "inf");
  EXPECT_EQ(toml_number(-INFINITY), "-inf");
  for (double v : {0.1, 1.374, -0.047, 123456.789, 2.5e-300, 1.7976931348623157e308, 4.9e-324})
    EXPECT_EQ(std::strtod(toml_number(v).c_str(), nullptr), v) << toml_number(v);
  EXPECT_EQ(toml_integer(-42), "-42");
  EXPECT_EQ(toml_integer(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(toml_bool(true), "true");
  EXPECT_EQ(toml_bool(false), "false");
}

TEST(Suite, OptionValuesWithSpecialCharactersReachTheRequestIntact) {
  // data is the text  idx:/a "b"\c<tab>d  and goes back into the request as it came.
  const std::string data_line = R"(data = "idx:/a \"b\"\\c\td")";
  const Suite s = parse_suite("name = \"x\"\n[options]\n" + data_line + "\n", "t.toml",
                              {"model=q\"uote", "lr=.5", "seconds=+7"});
  EXPECT_EQ(s.options[0].text, "idx:/a \"b\"\\c\td");
  const std::string request = plan_runs(s)[0].request;
  EXPECT_NE(request.find(data_line + "\n"), std::string::npos) << request;
  EXPECT_NE(request.find("model = \"q\\\"uote\"\n"), std::string::npos) << request;
  EXPECT_NE(request.find("lr = 0.5\n"), std::string::npos) << request;  // ".5" is no TOML number; 0.5 is
  EXPECT_NE(request.find("seconds = 7\n"), std::string::npos) << request;
}

// The runner resumes a suite by comparing each run's request.toml with the
// planned one, so the text of every built-in suite's requests must not change.
// The committed runs were made before runs were shared: their sync and async
// requests still name the schedule, and the runner accepts that form too.
TEST(Suite, RequestsOfTheBuiltInSuitesMatchTheCommittedRuns) {
  namespace fs = std::filesystem;
  for (const char* name : {"paper-mnist", "paper-cifar10", "paper-synthetic", "open-questions", "calibrate-mnist-wide",
                           "calibrate-cifar10-wide", "paper-mnist-fitted", "paper-cifar10-fitted", "map-mnist",
                           "map-cifar10", "network-mnist", "beyond", "beyond-ssp", "beyond-backup", "scale-mnist",
                           "beyond-cifar10", "beyond-cifar10-ssp", "beyond-cifar10-backup"}) {
    const fs::path results = fs::path(HSGD_SOURCE_DIR) / "results" / name;
    size_t compared = 0;
    for (const SuiteRun& run : plan_runs(load_suite(name))) {
      const fs::path file = results / run.dir / "request.toml";
      if (!fs::exists(file)) continue;
      std::ifstream in(file, std::ios::binary);
      const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_TRUE(run.request == committed || run.request_with_ignored_options == committed)
          << file << " holds\n" << committed << "planned:\n" << run.request;
      ++compared;
    }
    EXPECT_GT(compared, 0u) << name << ": no committed runs under " << results;
  }
}

// ---------------------------------------------------------------- names that become paths

TEST(Suite, TheNameMustBeSafeAsAFolderName) {
  for (const char* bad : {"../x", "a/b", "..", ".hidden", "-x", "a b", "x\\\\y", "caf\xc3\xa9"}) {
    const std::string text = std::string("seeds = 1\nname = \"") + bad + "\"\n";
    testing::expect_error<ConfigError>([&] { parse_suite(text, "bad.toml"); }, {"bad.toml:2", "name = ", "letters"});
  }
  testing::expect_error<ConfigError>([] { parse_suite("name = \"" + std::string(65, 'a') + "\"\n", "bad.toml"); },
                                     {"bad.toml:1", "1 to 64"});
  for (const std::string& good : std::vector<std::string>{"a", "paper-mnist", "x.y_z-1", "9", std::string(64, 'a')})
    EXPECT_EQ(parse_suite("name = \"" + good + "\"\n", "ok.toml").name, good);
}

TEST(Suite, CellFolderNamesAreBoundedAndDistinct) {
  // 300 bytes of grid value: its folder name is too long.
  testing::expect_error<ConfigError>(
      [] {
        parse_suite("name = \"x\"\n[[table]]\nname = \"T\"\n[table.grid]\ndata = [\"" + std::string(300, 'd') + "\"]\n",
                    "bad.toml");
      },
      {"bad.toml", "table 'T'", "cell 'data=ddd", "bytes long, more than 200"});
  // "step:S=300" and "step/S=300" both become schedule=step-S=300.
  testing::expect_error<ConfigError>(
      [] {
        parse_suite("name = \"x\"\n[[table]]\nname = \"T\"\nlabels = [\"colon\", \"slash\"]\n[table.grid]\n"
                    "schedule = [\"step:S=300\", \"step/S=300\"]\n",
                    "bad.toml");
      },
      {"bad.toml", "cell 'slash'", "cell 'colon'", "the same folder name runs/schedule=step-S=300"});
  // Across tables too: lr = 0.1 and lr = "0.1" are different options.
  testing::expect_error<ConfigError>(
      [] {
        parse_suite("name = \"x\"\n[[table]]\nname = \"A\"\n[table.grid]\nlr = [0.1]\n"
                    "[[table]]\nname = \"B\"\n[table.grid]\nlr = [\"0.1\"]\n",
                    "bad.toml");
      },
      {"table 'B'", "table 'A'", "runs/lr=0.1"});
  // The same options in two tables share the folder (run once).
  const Suite s = parse_suite("name = \"x\"\n[[table]]\nname = \"A\"\nvary = [\"lr\", \"batch-size\"]\n"
                              "[table.grid]\nlr = [0.1]\nbatch-size = [8]\n"
                              "[[table]]\nname = \"B\"\noptions = { lr = 0.1 }\n[table.grid]\nbatch-size = [8]\n",
                              "ok.toml");
  EXPECT_EQ(s.tables[0].cells[0].key, s.tables[1].cells[0].key);
}

// ---------------------------------------------------------------- files from outside

TEST(TextFile, OnlyRegularFilesUpToTheLimitAreRead) {
  testing::TempDir dir;
  std::ofstream(dir.file("ok.txt")) << "hello\n";
  EXPECT_EQ(read_bounded_text_file(dir.file("ok.txt"), 6, "a test file"), "hello\n");
  testing::expect_error<DataError>([&] { read_bounded_text_file(dir.file("ok.txt"), 5, "a test file"); },
                                   {dir.file("ok.txt"), "too large", "6 bytes", "a test file"});
  testing::expect_error<DataError>([&] { read_bounded_text_file(dir.file("none"), 5, "a test file"); },
                                   {dir.file("none"), "missing file"});
  testing::expect_error<DataError>([&] { read_bounded_text_file(dir.str(), 5, "a test file"); },
                                   {dir.str(), "not a regular file but a folder"});
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);  // opening it would block: refused before
  testing::expect_error<DataError>([&] { read_bounded_text_file(dir.file("fifo"), 5, "a test file"); },
                                   {dir.file("fifo"), "a FIFO"});
  testing::expect_error<DataError>([&] { read_bounded_text_file("/dev/zero", 5, "a test file"); },
                                   {"/dev/zero", "a character device"});
}

TEST(Suite, ASuitePathMustBeASmallRegularFile) {
  testing::TempDir dir;
  testing::expect_error<DataError>([&] { load_suite(dir.str()); }, {dir.str(), "a folder"});
  ASSERT_EQ(::mkfifo(dir.file("fifo.toml").c_str(), 0600), 0);
  testing::expect_error<DataError>([&] { load_suite(dir.file("fifo.toml")); }, {dir.file("fifo.toml"), "a FIFO"});
  std::ofstream(dir.file("big.toml")) << "name = \"big\"\n" << std::string(kMaxSuiteFileBytes, '#') << "\n";
  testing::expect_error<DataError>([&] { load_suite(dir.file("big.toml")); }, {dir.file("big.toml"), "too large"});
}

TEST(MetricsReader, AMetricsPathThatIsNoRegularFileIsRefused) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("metrics.csv"));
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("metrics.csv")); }, {"metrics.csv", "a folder"});
  ASSERT_EQ(::mkfifo(dir.file("fifo.csv").c_str(), 0600), 0);
  testing::expect_error<DataError>([&] { read_metrics_csv(dir.file("fifo.csv")); }, {"fifo.csv", "a FIFO"});
}

// ---------------------------------------------------------------- CSV and Markdown quoting

// The records of an RFC 4180 CSV text: fields split at commas outside quotes,
// "" inside quotes is a quote, records end at CRLF or LF outside quotes.
std::vector<std::vector<std::string>> parse_rfc4180(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

TEST(Csv, FieldsAreQuotedOnlyWhereRfc4180NeedsIt) {
  EXPECT_EQ(CsvWriter::field("plain text 1.5e-3"), "plain text 1.5e-3");
  EXPECT_EQ(CsvWriter::field(""), "");
  EXPECT_EQ(CsvWriter::field("(300,32)"), "\"(300,32)\"");
  EXPECT_EQ(CsvWriter::field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvWriter::field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvWriter::field("cr\r"), "\"cr\r\"");
  testing::TempDir dir;
  const std::vector<std::string> hostile = {"a,b", "\"q\"", "x\r\ny", "", "plain"};
  {
    CsvWriter csv(dir.file("t.csv"), {"1", "2", "3", "4", "5"});
    csv.row(hostile);
  }
  std::ifstream in(dir.file("t.csv"), std::ios::binary);
  const auto records = parse_rfc4180(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1], hostile);
}

TEST(Report, NamesWithCommasQuotesAndBarsSurviveCsvAndMarkdown) {
  testing::TempDir dir;
  const Suite suite = parse_suite(
      "name = \"fake\"\nseeds = 2\nmodes = [\"async\", \"hybrid\"]\n[[table]]\n"
      "name = 'T, \"quoted\"'\nlabels = [\"a|b, c\"]\n[table.grid]\nlr = [0.5]\n",
      "fake.toml");
  const std::string cell = suite.tables[0].cells[0].key;
  for (uint64_t seed : {1, 2}) {
    write_fake_run(dir.str(), cell, "async", seed, {0.5, 0.5});
    write_fake_run(dir.str(), cell, "hybrid", seed, {0.5, 0.6});
  }
  ReportOptions options;
  options.results_dir = dir.str();
  options.figures = false;
  const ReportOutcome outcome = build_report(suite, options);
  for (const char* file : {"tables.csv", "modes.csv"}) {
    std::ifstream in(dir.file(file), std::ios::binary);
    const auto records =
        parse_rfc4180(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    ASSERT_GT(records.size(), 1u) << file;
    for (size_t i = 1; i < records.size(); ++i) {
      ASSERT_EQ(records[i].size(), records[0].size()) << file << " record " << i;
      EXPECT_EQ(records[i][0], "T, \"quoted\"");
      EXPECT_EQ(records[i][1], cell);
      EXPECT_EQ(records[i][2], "a|b, c");
    }
  }
  std::ifstream report(outcome.report_path);
  const std::string md((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("\n| a\\|b, c | "), std::string::npos) << md;
  EXPECT_EQ(md.find("| a|b"), std::string::npos) << md;
}

// The async runs of three cells that differ only in the schedule (in two
// tables) are one run, in the first cell's folder: every cell shows its values.
TEST(Report, ARunServedToSeveralCellsShowsTheSameValuesInEach) {
  testing::TempDir dir;
  const Suite suite = parse_suite(
      "name = \"fake\"\nseeds = 2\nmodes = [\"async\", \"hybrid\"]\n"
      "[[table]]\nname = \"T\"\n[table.grid]\nschedule = [\"step:S=100\", \"step:S=300\"]\n"
      "[[table]]\nname = \"U\"\noptions = { wait = \"applied\" }\n[table.grid]\nschedule = [\"step:S=300\"]\n",
      "fake.toml");
  const std::vector<std::string> cells = {suite.tables[0].cells[0].key, suite.tables[0].cells[1].key,
                                          suite.tables[1].cells[0].key};
  for (uint64_t seed : {1, 2}) {
    write_fake_run(dir.str(), cells[0], "async", seed, {0.5, 0.4 + 0.1 * seed});  // served to all three
    for (size_t c = 0; c < cells.size(); ++c)
      write_fake_run(dir.str(), cells[c], "hybrid", seed, {0.5, 0.6 + 0.1 * c + 0.01 * seed});
  }
  ReportOptions options;
  options.results_dir = dir.str();
  options.figures = false;
  build_report(suite, options);

  std::ifstream in(dir.file("modes.csv"), std::ios::binary);
  const auto records = parse_rfc4180(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  std::map<std::string, std::map<std::string, std::vector<std::string>>> async_values;  // cell -> metric over -> fields
  for (size_t i = 1; i < records.size(); ++i) {
    const auto& r = records[i];  // table, cell, label, mode, metric, over, n, mean, ...
    if (r[3] == "async") async_values[r[1]][r[4] + " " + r[5]] = std::vector<std::string>(r.begin() + 6, r.end());
  }
  ASSERT_EQ(async_values.size(), 3u);
  EXPECT_EQ(async_values.at(cells[0]).size(), 2u * 3);  // (run, final) x metrics
  EXPECT_EQ(async_values.at(cells[0]).at("test_accuracy run")[0], "2");  // both seeds
  EXPECT_EQ(async_values.at(cells[1]), async_values.at(cells[0]));
  EXPECT_EQ(async_values.at(cells[2]), async_values.at(cells[0]));
  EXPECT_FALSE(std::filesystem::exists(dir.file(run_dir(cells[1], "async", 1))));
}

}  // namespace
}  // namespace hsgd

// ---------------------------------------------------------------- throughput check

namespace hsgd {
namespace {

// Rows every second: `rate` gradients per second, K from `k` (one per row).
std::vector<MetricsRow> counted_rows(double rate, const std::vector<int>& k) {
  std::vector<MetricsRow> rows;
  for (size_t i = 0; i < k.size(); ++i) {
    MetricsRow r;
    r.time_s = static_cast<double>(i);
    r.gradients = static_cast<uint64_t>(rate * static_cast<double>(i));
    r.k = k[i];
    rows.push_back(r);
  }
  return rows;
}

TEST(ThroughputCheck, WarnsWhenTheSameKGetsGradientsAtRatesMoreThanTheShareApart) {
  report::CellResult cell;
  // Seed 1: hybrid at K = 1 for 3 s gets 40 gradients/s, async 20/s: 100% apart. Then hybrid's K grows.
  cell.modes["hybrid"][1].rows = counted_rows(40, {1, 1, 1, 1, 2, 3});
  cell.modes["async"][1].rows = counted_rows(20, {1, 1, 1, 1, 1, 1});
  // Seed 2: 22 and 20 gradients/s: 10% apart, within 20%.
  cell.modes["hybrid"][2].rows = counted_rows(22, {1, 1, 2, 2, 3, 3});
  cell.modes["async"][2].rows = counted_rows(20, {1, 1, 1, 1, 1, 1});
  // Sync's K (4 workers) is never hybrid's in the window from the start: no check.
  cell.modes["sync"][1].rows = counted_rows(5, {4, 4, 4, 4, 4, 4});
  cell.modes["sync"][2].rows = counted_rows(5, {4, 4, 4, 4, 4, 4});
  const std::vector<ThroughputCheck> checks = check_throughput(cell);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].seed, 1u);
  EXPECT_EQ(checks[0].other, "async");
  EXPECT_EQ(checks[0].k, 1u);
  EXPECT_DOUBLE_EQ(checks[0].window_s, 3);
  EXPECT_DOUBLE_EQ(checks[0].hybrid_rate, 40);
  EXPECT_DOUBLE_EQ(checks[0].other_rate, 20);
  EXPECT_DOUBLE_EQ(checks[0].share, 1);
  EXPECT_TRUE(checks[0].exceeds);
  EXPECT_NE(checks[0].message.find("scheduling noise"), std::string::npos) << checks[0].message;
  EXPECT_NE(checks[0].message.find("same K = 1 for the first 3.0 s"), std::string::npos) << checks[0].message;
  EXPECT_DOUBLE_EQ(checks[1].window_s, 1);
  EXPECT_NEAR(checks[1].share, 0.1, 1e-12);
  EXPECT_FALSE(checks[1].exceeds);
}

TEST(ThroughputCheck, NoWindowOfTheSameKNoCheck) {
  report::CellResult cell;
  cell.modes["hybrid"][1].rows = counted_rows(40, {2, 2, 3});
  cell.modes["async"][1].rows = counted_rows(20, {1, 1, 1});
  EXPECT_TRUE(check_throughput(cell).empty());
}

}  // namespace
}  // namespace hsgd
