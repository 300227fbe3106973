// experiment_cli_test.cc: `hsgd experiment` and `hsgd report` as a user meets
// them: the quick suite end to end (runs, resume, report with tables and
// figures), and mistakes in suites caught before or during the runs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {
namespace fs = std::filesystem;

using testing::CommandResult;
using testing::hsgd;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream s(line);
    for (std::string f; std::getline(s, f, ',');) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

TEST(Experiment, QuickSuiteRunsResumesAndReports) {
  testing::TempDir dir;
  const fs::path out = dir.file("quick");
  CommandResult r = hsgd("experiment quick --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.output;
  // sync and async read no schedule: run once per seed for both cells (3 + 3 + 2 x 3 hybrid).
  EXPECT_CONTAINS(r.output, "12 runs, 0 already done, 12 to run");
  EXPECT_TRUE(fs::exists(out / "runs/schedule=step-S=100/sync-seed1/metrics.csv"));
  EXPECT_FALSE(fs::exists(out / "runs/schedule=step-S=300/sync-seed1"));

  // The report: its tables, verdicts and figures.
  const std::string report = read(out / "REPORT.md");
  for (const char* s : {"# Experiment report: quick", "## Summary", "## Quick: step size (batch 32)",
                        "### hybrid − async, averaged over the run (the paper's table)", "| S=100 | +0.136 |",
                        "### hybrid − sync, averaged over the run", "Verdicts", "![S=300](figures/schedule=step-S=300.png)",
                        "![K and staleness](figures/quick-step-size-batch-32-k-staleness.png)"})
    EXPECT_CONTAINS(report, s);
  const auto tables = read_csv(out / "tables.csv");
  ASSERT_EQ(tables.size(), 1u + 2 * 2 * 2 * 3);  // cells x comparisons x (run, final) x metrics
  ASSERT_EQ(tables[0][7], "mean");
  for (size_t i = 1; i < tables.size(); ++i) {
    EXPECT_EQ(tables[i][6], "3");  // seeds
    for (int col : {7, 9, 10, 11}) EXPECT_TRUE(std::isfinite(std::stod(tables[i][col]))) << i << " " << col;
    EXPECT_LE(std::stod(tables[i][9]), std::stod(tables[i][7]));   // ci low <= mean <= ci high
    EXPECT_GE(std::stod(tables[i][10]), std::stod(tables[i][7]));
    if (tables[i][3] == "hybrid-async" && tables[i][5] == "run") {
      EXPECT_FALSE(tables[i][12].empty()) << "paper value";
    }
  }
  EXPECT_EQ(read_csv(out / "modes.csv").size(), 1u + 2 * 3 * 2 * 3);
  // runs.csv, for the research scripts: one row per run (cells x modes x seeds), its values as modes.csv averages them
  const auto runs = read_csv(out / "runs.csv");
  ASSERT_EQ(runs.size(), 1u + 2 * 3 * 3);
  EXPECT_EQ(runs[0], (std::vector<std::string>{"cell", "mode", "seed", "diverged", "run_test_accuracy", "run_test_loss",
                                               "run_train_loss", "final_test_accuracy", "final_test_loss",
                                               "final_train_loss"}));
  for (size_t i = 1; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i][3], "0");
    for (size_t col = 4; col < runs[i].size(); ++col) EXPECT_TRUE(std::isfinite(std::stod(runs[i][col]))) << i;
  }
  for (const char* stem : {"schedule=step-S=100", "schedule=step-S=300", "schedule=step-S=100-differences",
                           "quick-step-size-batch-32-k-staleness"}) {
    const std::string png = read(out / "figures" / (std::string(stem) + ".png"));
    ASSERT_GT(png.size(), 1000u) << stem;
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << stem;
    const std::string svg = read(out / "figures" / (std::string(stem) + ".svg"));
    EXPECT_CONTAINS(svg, "<svg");
    EXPECT_CONTAINS(svg, "</svg>");
  }
  EXPECT_EQ(read_csv(out / "curves/schedule=step-S=100-hybrid.csv").size(), 1u + 21);  // t = 0, 1, ..., 20

  // Started again, it runs nothing and rebuilds the same tables; a run whose
  // request.toml names the schedule, as before sync and async runs were
  // shared, counts as done too.
  const std::string tables_before = read(out / "tables.csv");
  std::ofstream(out / "runs/schedule=step-S=100/sync-seed1/request.toml", std::ios::app) << "schedule = \"step:S=100\"\n";
  r = hsgd("experiment quick --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "12 runs, 12 already done, 0 to run");
  EXPECT_EQ(read(out / "tables.csv"), tables_before);

  // An interrupted run (a .partial folder) and a missing one are redone, bit for bit.
  const fs::path run = out / "runs/schedule=step-S=100/async-seed2";
  const std::string metrics = read(run / "metrics.csv");
  fs::rename(run, run.string() + ".partial");
  fs::remove(run.string() + ".partial/summary.json");
  fs::remove_all(out / "runs/schedule=step-S=300/hybrid-seed1");
  r = hsgd("experiment quick --out " + out.string() + " --jobs 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "12 runs, 10 already done, 2 to run");
  EXPECT_FALSE(fs::exists(run.string() + ".partial"));
  EXPECT_EQ(read(run / "metrics.csv"), metrics);
  EXPECT_EQ(read(out / "tables.csv"), tables_before);

  // `hsgd report` rebuilds the report from the folder alone.
  fs::remove(out / "REPORT.md");
  r = hsgd("report " + out.string() + " --no-figures");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "REPORT.md"));
  EXPECT_EQ(read(out / "tables.csv"), tables_before);
}

TEST(Experiment, InterruptedSuiteLeavesNoPartialRunsAndResumes) {
  testing::TempDir dir;
  const std::string out = dir.file("quick");
  // SIGINT after 3 s, as Ctrl-C would: the running children are stopped and discarded.
  const int rc = std::system(("timeout --preserve-status -s INT 3 " + std::string(HSGD_BINARY) +
                              " experiment quick --no-figures --out " + out + " > " + dir.file("log.txt") + " 2>&1")
                                 .c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 130) << read(dir.file("log.txt"));
  EXPECT_CONTAINS(read(dir.file("log.txt")), "run the same command again to resume");
  for (const auto& entry : fs::recursive_directory_iterator(out))
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
  const CommandResult r = hsgd("experiment quick --no-figures --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(fs::path(out) / "REPORT.md"));
}

TEST(Experiment, ListsSuitesAndTheirRuns) {
  CommandResult r = hsgd("experiment");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "paper-mnist");
  EXPECT_CONTAINS(r.output, "40 runs");  // paper-mnist: sync and async once per batch size and seed
  r = hsgd("experiment paper-cifar10 --list");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "(300,32)     -> runs/schedule=step-S=300_batch-size=32/\n");
  EXPECT_CONTAINS(r.output, "(500,32)     -> runs/schedule=step-S=500_batch-size=32/ "
                            "(sync, async shared with runs/schedule=step-S=300_batch-size=32/)\n");
}

TEST(Experiment, MistakesInASuiteFailBeforeAnyRun) {
  testing::TempDir dir;
  std::ofstream(dir.file("bad-lr.toml")) << "name = \"bad\"\nseeds = 1\n[options]\nruntime = \"sim\"\nlr = -1\n";
  CommandResult r = hsgd("experiment " + dir.file("bad-lr.toml") + " --out " + dir.file("out"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "suite bad (" + dir.file("bad-lr.toml") + "), run runs/base/sync-seed1");
  EXPECT_CONTAINS(r.output, "--lr = -1 is out of range");
  EXPECT_FALSE(fs::exists(dir.file("out")));

  std::ofstream(dir.file("bad-key.toml")) << "name = \"bad\"\n[options]\nlearning-rate = 0.1\n";
  r = hsgd("experiment " + dir.file("bad-key.toml") + " --out " + dir.file("out"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "unknown key 'learning-rate'");

  std::ofstream(dir.file("bad-toml.toml")) << "name = \"bad\"\n[options\n";
  r = hsgd("experiment " + dir.file("bad-toml.toml"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, dir.file("bad-toml.toml") + ":2");

  r = hsgd("experiment quick --set lr=0 --out " + dir.file("out"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "--lr = 0 is out of range");
}

TEST(Experiment, AFailedRunIsNamedWithItsLog) {
  testing::TempDir dir;
  std::ofstream(dir.file("missing-data.toml"))
      << "name = \"missing\"\nseeds = 1\nmodes = [\"async\"]\n[options]\nruntime = \"sim\"\nmodel = \"ray-tiny\"\n"
         "data = \"idx:" << dir.file("nowhere") << "\"\nseconds = 1\n";
  const CommandResult r = hsgd("experiment " + dir.file("missing-data.toml") + " --out " + dir.file("out"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "FAILED runs/base/async-seed1: exit status 1");
  EXPECT_CONTAINS(r.output, "missing folder");
  EXPECT_CONTAINS(r.output, "1 run(s) failed");
  EXPECT_TRUE(fs::exists(dir.file("out/runs/base/async-seed1.failed/log.txt")));
}

// A suite whose runs all diverge at once (lr 1000).
std::string diverging_suite(const std::string& diverged_line) {
  return "name = \"diverging\"\nseeds = 2\nmodes = [\"async\", \"hybrid\"]\n" + diverged_line +
         "[options]\nruntime = \"sim\"\ndata = \"synthetic\"\nmodel = \"mlp\"\nworkers = 4\nseconds = 5\n"
         "eval-every = 0.5\nlr = 1000\n";
}

TEST(Experiment, ADivergedRunStopsTheSuiteUnlessTheSuiteKeepsItAsAResult) {
  testing::TempDir dir;
  std::ofstream(dir.file("fail.toml")) << diverging_suite("");
  const CommandResult failed = hsgd("experiment " + dir.file("fail.toml") + " --jobs 1 --out " + dir.file("fail"));
  EXPECT_EQ(failed.status, 1) << failed.output;
  EXPECT_CONTAINS(failed.output, "FAILED runs/base/async-seed1: exit status 5, diverged");

  std::ofstream(dir.file("keep.toml")) << diverging_suite("diverged = \"result\"\n");
  const fs::path out = dir.file("keep");
  const CommandResult kept = hsgd("experiment " + dir.file("keep.toml") + " --jobs 1 --out " + out.string());
  ASSERT_EQ(kept.status, 0) << kept.output;
  EXPECT_CONTAINS(kept.output, "diverged: kept as a result");
  EXPECT_CONTAINS(kept.output, "4 of the runs done now diverged");
  const std::string report = read(out / "REPORT.md");
  EXPECT_CONTAINS(report, "### Diverged runs");
  EXPECT_CONTAINS(report, "| all | async | 2 of 2 (seeds 1, 2) |");
  EXPECT_CONTAINS(report, "| all | hybrid | 2 of 2 (seeds 1, 2) |");
  // Run again: the diverged runs are done, not redone.
  const CommandResult again = hsgd("experiment " + dir.file("keep.toml") + " --jobs 1 --out " + out.string());
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_CONTAINS(again.output, "0 runs done now, 4 before");
}

// hsgd ARGS run in the folder `cwd`, stopped after `limit_s` seconds (status 124).
CommandResult hsgd_in(const std::string& cwd, const std::string& args, int limit_s = 30) {
  const std::string cmd = "cd '" + cwd + "' && timeout " + std::to_string(limit_s) + " " + HSGD_BINARY + " " + args;
  return testing::run_shell(cmd);
}

// REPORT.md without its "### Figures" sections (up to the next "## " heading):
// the numbers and verdicts. The figures changed after the committed report was
// made (difference figures, line styles, virtual time axes); `hsgd report
// results/paper-mnist` brings the committed ones up to date.
std::string without_figure_sections(const std::string& md) {
  std::stringstream in(md);
  std::string out;
  bool in_figures = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("### Figures", 0) == 0) in_figures = true;
    else if (line.rfind("## ", 0) == 0) in_figures = false;
    if (!in_figures) out += line + "\n";
  }
  return out;
}

TEST(Experiment, ReportRebuildsTheCommittedPaperMnistNumbersByteForByte) {
  testing::TempDir dir;
  const fs::path committed = fs::path(HSGD_SOURCE_DIR) / "results/paper-mnist";
  const fs::path copy = dir.file("results/paper-mnist");
  fs::create_directories(copy.parent_path());
  fs::copy(committed, copy, fs::copy_options::recursive);
  for (const char* generated : {"tables.csv", "modes.csv", "REPORT.md", "curves"}) fs::remove_all(copy / generated);
  for (const auto& e : fs::directory_iterator(committed / "figures"))  // the images stay: REPORT.md shows them
    if (e.path().extension() == ".gp") fs::remove(copy / "figures" / e.path().filename());
  // From the folder above results/, as the committed report was made (REPORT.md names the path).
  const CommandResult r = hsgd_in(dir.str(), "report results/paper-mnist --no-figures");
  ASSERT_EQ(r.status, 0) << r.output;
  std::vector<fs::path> files = {"tables.csv", "modes.csv"};
  for (const auto& e : fs::directory_iterator(committed / "curves")) files.push_back("curves" / e.path().filename());
  ASSERT_GT(files.size(), 10u);
  for (const auto& f : files) EXPECT_TRUE(read(copy / f) == read(committed / f)) << f << " differs";
  // REPORT.md names the runs' machine
  EXPECT_EQ(without_figure_sections(read(copy / "REPORT.md")), without_figure_sections(read(committed / "REPORT.md")));
}

TEST(Experiment, ASuitePathMustBeASmallRegularFileAndNothingBlocks) {
  testing::TempDir dir;
  ASSERT_EQ(::mkfifo(dir.file("fifo.toml").c_str(), 0600), 0);
  {
    std::ofstream big(dir.file("big.toml"));
    big << "name = \"big\"\n" << std::string(size_t{1} << 20, '#') << "\n";
  }
  fs::create_directories(dir.file("folder.toml"));
  for (const auto& [file, problem] : std::vector<std::pair<std::string, std::string>>{
           {"folder.toml", "not a regular file but a folder"},
           {"fifo.toml", "not a regular file but a FIFO"},
           {"big.toml", "too large: 1048590 bytes, more than the 1048576 allowed for a suite file"}}) {
    const auto start = std::chrono::steady_clock::now();
    const CommandResult r = hsgd_in(dir.str(), "experiment " + dir.file(file) + " --list", 20);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 1) << file << ": " << r.output;
    EXPECT_CONTAINS(r.output, dir.file(file) + ": " + problem);
    EXPECT_LT(seconds, 10) << file;
  }
}

TEST(Experiment, ReportRefusesFilesThatAreNoSmallRegularFiles) {
  testing::TempDir dir;
  const fs::path results = dir.file("results");
  fs::create_directories(results);
  ASSERT_EQ(::mkfifo((results / "suite.toml").c_str(), 0600), 0);
  CommandResult r = hsgd_in(dir.str(), "report results --no-figures", 20);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "results/suite.toml: not a regular file but a FIFO");

  fs::remove(results / "suite.toml");
  std::ofstream(results / "suite.toml") << "name = \"x\"\nseeds = 1\nmodes = [\"async\"]\n";
  ASSERT_EQ(::mkfifo((results / "experiment.json").c_str(), 0600), 0);
  r = hsgd_in(dir.str(), "report results --no-figures", 20);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "results/experiment.json: not a regular file but a FIFO");

  fs::remove(results / "experiment.json");
  fs::create_directories(results / "runs/base/async-seed1/metrics.csv");
  r = hsgd_in(dir.str(), "report results --no-figures", 20);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "runs/base/async-seed1/metrics.csv: not a regular file but a folder");
}

TEST(Experiment, ASuiteNameThatIsAPathIsRefusedBeforeAnythingIsWritten) {
  testing::TempDir dir;
  fs::create_directories(dir.file("work"));
  std::ofstream(dir.file("escape.toml")) << "# a suite\nname = \"../escaped\"\nseeds = 1\n[options]\nruntime = \"sim\"\n";
  const CommandResult r = hsgd_in(dir.file("work"), "experiment " + dir.file("escape.toml"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, dir.file("escape.toml") + ":2: name = \"../escaped\"");
  EXPECT_FALSE(fs::exists(dir.file("work/results")));
  EXPECT_FALSE(fs::exists(dir.file("escaped")));
}

}  // namespace
}  // namespace hsgd
