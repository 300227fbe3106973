// report.cc: see report.h. Reads every run's metrics.csv, computes the tables
// with stats.h, writes the curves and gnuplot scripts, runs gnuplot and
// writes REPORT.md.
#include "hsgd/experiment/report.h"

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/experiment/stats.h"
#include "hsgd/metrics/csv_writer.h"
#include "hsgd/metrics/metrics_reader.h"

namespace hsgd {
namespace fs = std::filesystem;
namespace {

// The three quantities of the paper's tables; accuracy in percentage points.
const char* const kMetrics[] = {"test_accuracy", "test_loss", "train_loss"};
const char* const kMetricTitles[] = {"test accuracy (points)", "test loss", "train loss"};
const char* const kMetricNames[] = {"Test accuracy", "Test loss", "Train loss"};
const char* const kOver[] = {"run", "final"};  // averaged over the run's evaluations, or the last one

struct RunValues {
  std::vector<MetricsRow> rows;
  double value[2][3];  // [over][metric]
};

double metric_of(const MetricsRow& r, int metric) {
  return metric == 0 ? 100 * r.test_accuracy : metric == 1 ? r.test_loss : r.train_loss;
}

RunValues load_run(const fs::path& dir) {
  RunValues v;
  v.rows = read_metrics_csv((dir / "metrics.csv").string());
  RunResult r;
  r.rows = v.rows;
  v.value[0][0] = 100 * r.mean_test_accuracy();
  v.value[0][1] = r.mean_test_loss();
  v.value[0][2] = r.mean_train_loss();
  for (int m = 0; m < 3; ++m) v.value[1][m] = metric_of(r.final_row(), m);
  if (!std::isfinite(v.value[1][2]))  // no gradient in the last interval: the last train loss seen
    for (auto it = v.rows.rbegin(); it != v.rows.rend() && !std::isfinite(v.value[1][2]); ++it) v.value[1][2] = it->train_loss;
  return v;
}

using ModeRuns = std::map<uint64_t, RunValues>;  // by seed

struct CellResult {
  std::map<std::string, ModeRuns> modes;
  // [comparison "async"/"sync"][over][metric]
  std::map<std::string, std::array<std::array<stats::Summary, 3>, 2>> diff;
  std::map<std::string, std::array<std::array<stats::Summary, 3>, 2>> mode_stats;
};

std::string fmt(double v, int decimals, bool sign = false) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string fmt_p(double p) {
  if (!std::isfinite(p)) return "n/a";
  char buf[32];
  if (p < 0.001) return "<0.001";
  std::snprintf(buf, sizeof buf, "%.3f", p);
  return buf;
}

int decimals_of(int metric) { return metric == 0 ? 2 : 3; }

// "+1.23 [+0.45, +2.01]": a mean and its 95% confidence interval.
std::string fmt_ci(const stats::Summary& s, int decimals, bool sign = true) {
  return fmt(s.mean, decimals, sign) + " [" + fmt(s.ci95_low, decimals, sign) + ", " + fmt(s.ci95_high, decimals, sign) + "]";
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "table" : out;
}

std::string gp_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Mean and 95% band over seeds at each evaluation (row index; the simulator
// evaluates every run at the same times).
void write_curve(const ModeRuns& runs, const fs::path& path) {
  size_t rows = SIZE_MAX;
  for (const auto& [seed, r] : runs) rows = std::min(rows, r.rows.size());
  CsvWriter csv(path.string(), {"time_s", "n", "test_accuracy_mean", "test_accuracy_low", "test_accuracy_high",
                                "test_loss_mean", "test_loss_low", "test_loss_high", "train_loss_mean", "k_mean",
                                "staleness_mean", "updates_mean"});
  for (size_t i = 0; i < rows && !runs.empty(); ++i) {
    std::vector<double> t, acc, tl, trl, k, st, up;
    for (const auto& [seed, r] : runs) {
      const MetricsRow& row = r.rows[i];
      t.push_back(row.time_s);
      acc.push_back(100 * row.test_accuracy);
      tl.push_back(row.test_loss);
      trl.push_back(row.train_loss);
      k.push_back(row.k);
      st.push_back(row.staleness_mean);
      up.push_back(static_cast<double>(row.updates));
    }
    const auto a = stats::summarize(acc), l = stats::summarize(tl);
    csv.row({CsvWriter::num(stats::summarize(t).mean), CsvWriter::num((long long)a.n), CsvWriter::num(a.mean),
             CsvWriter::num(a.ci95_low), CsvWriter::num(a.ci95_high), CsvWriter::num(l.mean),
             CsvWriter::num(l.ci95_low), CsvWriter::num(l.ci95_high), CsvWriter::num(stats::summarize(trl).mean),
             CsvWriter::num(stats::summarize(k).mean), CsvWriter::num(stats::summarize(st).mean),
             CsvWriter::num(stats::summarize(up).mean)});
  }
}

const std::map<std::string, std::string> kModeColor = {
    {"sync", "#1f77b4"}, {"async", "#d62728"}, {"hybrid", "#2ca02c"}};

std::string terminal_block(const std::string& out_stem, const std::string& size, const std::string& body) {
  return "set terminal pngcairo size " + size + " font ',10'\nset output " + gp_quote(out_stem + ".png") + "\n" +
         body + "unset multiplot\nset terminal svg size " + size + " dynamic font ',10'\nset output " +
         gp_quote(out_stem + ".svg") + "\n" + body + "unset multiplot\n";
}

// Test accuracy and test loss against time, one line and band per mode.
std::string cell_figure_script(const std::string& key, const std::string& title, const std::vector<std::string>& modes) {
  auto panel = [&](int mean_col, const std::string& ylabel, const std::string& key_pos) {
    std::string s = "set ylabel '" + ylabel + "'\nset key " + key_pos + "\nplot ";
    bool first = true;
    for (const auto& m : modes) {
      const std::string file = gp_quote("curves/" + key + "-" + m + ".csv");
      const std::string color = kModeColor.count(m) ? kModeColor.at(m) : "#7f7f7f";
      s += std::string(first ? "" : ", ") + file + " every ::1 using 1:" + std::to_string(mean_col + 1) + ":" +
           std::to_string(mean_col + 2) + " with filledcurves fc rgb '" + color +
           "' fs transparent solid 0.18 noborder notitle, " + file + " every ::1 using 1:" +
           std::to_string(mean_col) + " with lines lw 2 lc rgb '" + color + "' title '" + m + "'";
      first = false;
    }
    return s + "\n";
  };
  std::string body = "set datafile separator ','\nset grid\nset xlabel 'time (s)'\n"
                     "set multiplot layout 1,2 title " + gp_quote(title + " (mean of seeds, band: 95% CI)") + "\n";
  body += panel(3, "test accuracy (%)", "bottom right");
  body += panel(6, "test loss", "top right");
  return terminal_block("figures/" + key, "1200,450", body);
}

// K(t) and mean staleness of hybrid, one line per cell of a table.
std::string k_figure_script(const std::string& stem, const std::string& title, const SuiteTable& t) {
  auto panel = [&](int col, const std::string& ylabel) {
    std::string s = "set ylabel '" + ylabel + "'\nplot ";
    for (size_t i = 0; i < t.cells.size(); ++i)
      s += std::string(i ? ", " : "") + gp_quote("curves/" + t.cells[i].key + "-hybrid.csv") + " every ::1 using 1:" +
           std::to_string(col) + " with lines lw 2 title " + gp_quote(t.cells[i].label);
    return s + "\n";
  };
  std::string body = "set datafile separator ','\nset grid\nset xlabel 'time (s)'\nset key bottom right\n"
                     "set multiplot layout 1,2 title " + gp_quote(title + ": hybrid, mean of seeds") + "\n";
  body += panel(10, "K (gradients per update)");
  body += "set key top right\n" + panel(11, "mean staleness of gradients received");
  return terminal_block("figures/" + stem, "1200,450", body);
}

bool run_gnuplot(const fs::path& dir, const std::string& script_name, std::string& error) {
  const std::string cmd = "cd '" + dir.string() + "' && gnuplot '" + script_name + "' 2> '" + script_name + ".log'";
  const int rc = std::system(cmd.c_str());
  if (rc == 0) {
    fs::remove(dir / (script_name + ".log"));
    return true;
  }
  std::ifstream log(dir / (script_name + ".log"));
  std::stringstream s;
  s << log.rdbuf();
  error = s.str().substr(0, 400);
  return false;
}

std::string machine_line() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string model;
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return std::to_string(std::thread::hardware_concurrency()) + " cores" + (model.empty() ? "" : " (" + model + ")");
}

// "sign reproduced (paper +1.374, hsgd +0.52), significant (p = 0.004)"
std::string verdict(double paper, const stats::Summary& s, int metric) {
  if (!std::isfinite(paper) || !std::isfinite(s.mean)) return "n/a";
  const bool same = (paper > 0 && s.mean > 0) || (paper < 0 && s.mean < 0) || (paper == 0 && s.mean == 0);
  return std::string(same ? "sign reproduced" : "sign **not** reproduced") + " (paper " +
         fmt(paper, 3, true) + ", hsgd " + fmt(s.mean, decimals_of(metric), true) + "), " +
         (s.p_value < 0.05 ? "significant" : "not significant") + " (p = " + fmt_p(s.p_value) + ")";
}

}  // namespace

ReportOutcome build_report(const Suite& suite, const ReportOptions& opt) {
  const fs::path root(opt.results_dir);
  ReportOutcome outcome;
  fs::create_directories(root / "curves");
  fs::create_directories(root / "figures");

  // ---- load every run and compute the statistics per cell
  std::map<std::string, CellResult> cells;  // by cell key
  for (const auto& table : suite.tables)
    for (const auto& cell : table.cells) {
      if (cells.count(cell.key)) continue;
      CellResult& c = cells[cell.key];
      for (const auto& mode : suite.modes)
        for (uint64_t seed : suite.seeds) c.modes[mode][seed] = load_run(root / run_dir(cell.key, mode, seed));
      for (const auto& mode : suite.modes)
        for (int o = 0; o < 2; ++o)
          for (int m = 0; m < 3; ++m) {
            std::vector<double> v;
            for (const auto& [seed, r] : c.modes[mode]) v.push_back(r.value[o][m]);
            c.mode_stats[mode][o][m] = stats::summarize(v);
          }
      if (!c.modes.count("hybrid")) continue;
      for (const std::string other : {"async", "sync"}) {
        if (!c.modes.count(other)) continue;
        for (int o = 0; o < 2; ++o)
          for (int m = 0; m < 3; ++m) {
            std::vector<double> d;
            for (uint64_t seed : suite.seeds)
              d.push_back(c.modes["hybrid"][seed].value[o][m] - c.modes[other][seed].value[o][m]);
            c.diff[other][o][m] = stats::summarize(d);
          }
      }
    }

  // ---- tables.csv and modes.csv
  {
    CsvWriter csv((root / "tables.csv").string(),
                  {"table", "cell", "label", "comparison", "metric", "over", "n", "mean", "stddev", "ci95_low",
                   "ci95_high", "p_value", "paper", "same_sign_as_paper", "significant"});
    CsvWriter modes_csv((root / "modes.csv").string(), {"table", "cell", "label", "mode", "metric", "over", "n", "mean",
                                                        "stddev", "ci95_low", "ci95_high", "paper_final"});
    for (const auto& table : suite.tables)
      for (size_t ci = 0; ci < table.cells.size(); ++ci) {
        const SuiteCell& cell = table.cells[ci];
        const CellResult& c = cells.at(cell.key);
        for (const auto& [other, by_over] : c.diff)
          for (int o = 0; o < 2; ++o)
            for (int m = 0; m < 3; ++m) {
              const stats::Summary& s = by_over[o][m];
              double paper = NAN;
              auto it = table.paper.find(kMetrics[m]);
              if (other == "async" && o == 0 && it != table.paper.end()) paper = it->second[ci];
              const bool has_paper = std::isfinite(paper);
              const bool same = has_paper && ((paper > 0) == (s.mean > 0));
              csv.row({table.name, cell.key, cell.label, "hybrid-" + other, kMetrics[m], kOver[o],
                       CsvWriter::num((long long)s.n), CsvWriter::num(s.mean), CsvWriter::num(s.stddev),
                       CsvWriter::num(s.ci95_low), CsvWriter::num(s.ci95_high), CsvWriter::num(s.p_value),
                       has_paper ? CsvWriter::num(paper) : "", has_paper ? (same ? "yes" : "no") : "",
                       s.p_value < 0.05 ? "yes" : "no"});
            }
        for (size_t mi = 0; mi < suite.modes.size(); ++mi) {
          const std::string& mode = suite.modes[mi];
          for (int o = 0; o < 2; ++o)
            for (int m = 0; m < 3; ++m) {
              const stats::Summary& s = c.mode_stats.at(mode)[o][m];
              std::string paper;
              const int col = mode == "sync" ? 0 : mode == "async" ? 1 : 2;
              if (o == 1 && m == 0 && !table.paper_final_accuracy.empty())
                paper = CsvWriter::num(table.paper_final_accuracy[ci][col]);
              modes_csv.row({table.name, cell.key, cell.label, mode, kMetrics[m], kOver[o],
                             CsvWriter::num((long long)s.n), CsvWriter::num(s.mean), CsvWriter::num(s.stddev),
                             CsvWriter::num(s.ci95_low), CsvWriter::num(s.ci95_high), paper});
            }
        }
      }
  }

  // ---- curves and figures
  std::vector<std::string> scripts;
  std::set<std::string> drawn;
  for (const auto& table : suite.tables) {
    for (const auto& cell : table.cells) {
      if (!drawn.insert(cell.key).second) continue;
      for (const auto& [mode, runs] : cells.at(cell.key).modes)
        write_curve(runs, root / "curves" / (cell.key + "-" + mode + ".csv"));
      const std::string name = "figures/" + cell.key + ".gp";
      std::ofstream(root / name) << cell_figure_script(cell.key, suite.name + ": " + table.name + ", " + cell.label, suite.modes);
      scripts.push_back(name);
    }
    if (cells.at(table.cells[0].key).modes.count("hybrid")) {
      const std::string stem = slug(table.name) + "-k-staleness";
      std::ofstream(root / ("figures/" + stem + ".gp")) << k_figure_script(stem, suite.name + ": " + table.name, table);
      scripts.push_back("figures/" + stem + ".gp");
    }
  }
  bool figures_ok = true;  // every figure the report shows exists
  if (!opt.figures) {
    for (const auto& script : scripts)
      figures_ok &= fs::exists(root / (script.substr(0, script.size() - 3) + ".png"));
  } else {
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
      outcome.warnings.push_back("gnuplot not found: no figures (install gnuplot-nox; scripts/setup.sh does), then run "
                                 "hsgd report " + opt.results_dir);
      figures_ok = false;
    } else {
      for (const auto& s : scripts) {
        std::string error;
        if (!run_gnuplot(root, s, error)) {
          outcome.warnings.push_back("gnuplot failed on " + (root / s).string() + ": " + error);
          figures_ok = false;
        } else {
          outcome.figures += 2;
        }
      }
    }
  }

  // ---- REPORT.md
  double real_seconds = opt.real_seconds;
  int jobs = 0;
  if (real_seconds < 0 && fs::is_regular_file(root / "experiment.json")) {
    try {
      const auto j = nlohmann::json::parse(std::ifstream(root / "experiment.json"));
      real_seconds = j.value("real_seconds_total", -1.0);
      for (const auto& inv : j.value("invocations", nlohmann::json::array()))
        if (inv.value("runs_run", 0) > 0) jobs = std::max(jobs, inv.value("jobs", 0));
    } catch (const nlohmann::json::exception&) {
    }
  }
  std::ostringstream md;
  md << "# Experiment report: " << suite.name << "\n\n" << suite.description << "\n\n";
  md << "Generated by `hsgd report` from the runs' metrics files; every number below is computed from "
        "`runs/*/*/metrics.csv`. Machine-readable: [tables.csv](tables.csv) (differences), "
        "[modes.csv](modes.csv) (per mode), `curves/` (mean curves).\n\n";

  // Verdict summary over the paper's hybrid - async cells.
  int compared = 0, same_sign = 0, same_significant = 0, opposite_significant = 0;
  for (const auto& table : suite.tables)
    for (size_t ci = 0; ci < table.cells.size(); ++ci) {
      auto it = table.paper.find("test_accuracy");
      const auto& cr = cells.at(table.cells[ci].key);
      if (it == table.paper.end() || !cr.diff.count("async")) continue;
      const stats::Summary& s = cr.diff.at("async")[0][0];
      ++compared;
      const bool same = (it->second[ci] > 0) == (s.mean > 0);
      same_sign += same;
      same_significant += same && s.p_value < 0.05;
      opposite_significant += !same && s.p_value < 0.05;
    }
  int sync_cells = 0, sync_better = 0;
  for (const auto& [key, cr] : cells)
    if (cr.diff.count("sync")) {
      ++sync_cells;
      const stats::Summary& s = cr.diff.at("sync")[0][0];
      sync_better += s.mean > 0 && s.p_value < 0.05;
    }
  if (compared > 0 || sync_cells > 0) md << "## Summary\n\n";
  if (compared > 0) {
    md << "The paper's claim is that hybrid beats async: its tables give hybrid − async of the test accuracy "
          "averaged over the run. Over the " << compared << " cells of this suite, hsgd's mean difference has the "
       << "paper's sign in **" << same_sign << "**; it is significant (paired t-test over "
       << suite.seeds.size() << " seeds, p < 0.05) with the paper's sign in **" << same_significant
       << "** and with the opposite sign in **" << opposite_significant << "**.\n\n";
  }
  if (sync_cells > 0)
    md << "Hybrid beats sync (test accuracy averaged over the run, p < 0.05) in **" << sync_better << "** of the "
       << sync_cells << " distinct cells.\n\n";

  md << "## Setup\n\n";
  md << "- Suite `" << suite.name << "` (" << suite.origin << "), saved as [suite.toml](suite.toml); seeds";
  for (uint64_t s : suite.seeds) md << " " << s;
  md << "; modes";
  for (const auto& m : suite.modes) md << " " << m;
  md << ". Within a seed the modes share initial weights, shards, batch order and delays, so differences are "
        "paired by seed.\n";
  md << "- Options of every run (each run's `request.toml` and resolved `config.toml` are in its folder):\n\n";
  md << "  | option | value |\n  |---|---|\n";
  for (const auto& o : suite.options) md << "  | " << o.name << " | `" << o.text << "` |\n";
  md << "\n- Statistics: per seed, the hybrid value minus the async (or sync) value; the table shows the mean over "
        "seeds, its 95% confidence interval (Student's t, n − 1 degrees of freedom) and the two-sided paired "
        "t-test p-value. \"Averaged over the run\" is the mean over the run's evaluation points, as in the "
        "paper's tables; accuracy is in percentage points.\n";
  md << "- Real time of the suite on this machine: ";
  if (real_seconds >= 0) md << fmt(real_seconds / 60, 1) << " min";
  else md << "not recorded";
  if (jobs > 0) md << " (" << jobs << " runs at a time)";
  md << "; machine: " << machine_line() << ".\n";
  md << "- Reproduce: `hsgd experiment " << (suite.origin == "built-in" ? suite.name : suite.origin)
     << "` (finished runs are skipped); rebuild this report: `hsgd report " << opt.results_dir << "`.\n\n";

  for (const auto& table : suite.tables) {
    md << "## " << table.name << "\n\n";
    const bool has_async = cells.at(table.cells[0].key).diff.count("async") > 0;
    const bool has_sync = cells.at(table.cells[0].key).diff.count("sync") > 0;
    if (has_async) {
      md << "### hybrid − async, averaged over the run (the paper's table)\n\n";
      md << "| cell |";
      for (int m = 0; m < 3; ++m) md << " " << kMetricTitles[m] << ": paper | hsgd mean [95% CI] | p |";
      md << "\n|---|";
      for (int m = 0; m < 3; ++m) md << "---:|---:|---:|";
      md << "\n";
      for (size_t ci = 0; ci < table.cells.size(); ++ci) {
        const auto& c = cells.at(table.cells[ci].key);
        md << "| " << table.cells[ci].label << " |";
        for (int m = 0; m < 3; ++m) {
          const stats::Summary& s = c.diff.at("async")[0][m];
          auto it = table.paper.find(kMetrics[m]);
          const int d = decimals_of(m);
          md << " " << (it != table.paper.end() ? fmt(it->second[ci], 3, true) : "") << " | " << fmt_ci(s, d)
             << " | " << fmt_p(s.p_value) << " |";
        }
        md << "\n";
      }
      md << "\n";
      if (!table.paper.empty()) {
        md << "Verdicts: does hsgd's hybrid − async have the paper's sign, and is it significant (p < 0.05)?\n\n";
        for (size_t ci = 0; ci < table.cells.size(); ++ci) {
          const auto& c = cells.at(table.cells[ci].key);
          md << "- **" << table.cells[ci].label << "**: ";
          bool first = true;
          for (int m = 0; m < 3; ++m) {
            auto it = table.paper.find(kMetrics[m]);
            if (it == table.paper.end()) continue;
            const stats::Summary& s = c.diff.at("async")[0][m];
            md << (first ? "" : ". ") << kMetricNames[m] << ": " << verdict(it->second[ci], s, m);
            first = false;
          }
          md << ".\n";
        }
        md << "\n";
      }
    }
    if (has_sync) {
      md << "### hybrid − sync, averaged over the run\n\n| cell |";
      for (int m = 0; m < 3; ++m) md << " " << kMetricTitles[m] << " [95% CI] | p |";
      md << "\n|---|";
      for (int m = 0; m < 3; ++m) md << "---:|---:|";
      md << "\n";
      for (size_t ci = 0; ci < table.cells.size(); ++ci) {
        const auto& c = cells.at(table.cells[ci].key);
        md << "| " << table.cells[ci].label << " |";
        for (int m = 0; m < 3; ++m) {
          const stats::Summary& s = c.diff.at("sync")[0][m];
          const int d = decimals_of(m);
          md << " " << fmt_ci(s, d) << " | " << fmt_p(s.p_value) << " |";
        }
        md << "\n";
      }
      md << "\n";
    }
    md << "### Per mode: test accuracy (%), averaged over the run and final, mean [95% CI]\n\n| cell |";
    for (const auto& m : suite.modes) md << " " << m << " avg | " << m << " final |";
    if (!table.paper_final_accuracy.empty()) md << " paper final, read from the figures (sync / async / hybrid) |";
    md << "\n|---|";
    for (size_t i = 0; i < suite.modes.size(); ++i) md << "---:|---:|";
    if (!table.paper_final_accuracy.empty()) md << "---:|";
    md << "\n";
    for (size_t ci = 0; ci < table.cells.size(); ++ci) {
      const auto& c = cells.at(table.cells[ci].key);
      md << "| " << table.cells[ci].label << " |";
      for (const auto& m : suite.modes)
        for (int o = 0; o < 2; ++o) {
          const stats::Summary& s = c.mode_stats.at(m)[o][0];
          md << " " << fmt_ci(s, 2, /*sign=*/false) << " |";
        }
      if (!table.paper_final_accuracy.empty()) {
        const auto& p = table.paper_final_accuracy[ci];
        md << " ~" << fmt(p[0], 1) << " / ~" << fmt(p[1], 1) << " / ~" << fmt(p[2], 1) << " |";
      }
      md << "\n";
    }
    md << "\n";
    md << "### Work done: gradients received / updates applied by the end (mean over seeds)\n\n| cell |";
    for (const auto& m : suite.modes) md << " " << m << " |";
    md << "\n|---|";
    for (size_t i = 0; i < suite.modes.size(); ++i) md << "---:|";
    md << "\n";
    for (size_t ci = 0; ci < table.cells.size(); ++ci) {
      const auto& c = cells.at(table.cells[ci].key);
      md << "| " << table.cells[ci].label << " |";
      for (const auto& m : suite.modes) {
        std::vector<double> g, u;
        for (const auto& [seed, r] : c.modes.at(m)) {
          g.push_back(static_cast<double>(r.rows.back().gradients));
          u.push_back(static_cast<double>(r.rows.back().updates));
        }
        md << " " << fmt(stats::summarize(g).mean, 0) << " / " << fmt(stats::summarize(u).mean, 0) << " |";
      }
      md << "\n";
    }
    md << "\n### Figures\n\n";
    if (!figures_ok) md << "(Figures were not drawn; see the warnings of `hsgd report`.)\n\n";
    for (const auto& cell : table.cells)
      md << "**" << cell.label << "**: test accuracy and test loss against time\n\n![" << cell.label << "](figures/"
         << cell.key << ".png)\n\n";
    if (cells.at(table.cells[0].key).modes.count("hybrid"))
      md << "K(t) and staleness of hybrid\n\n![K and staleness](figures/" << slug(table.name) << "-k-staleness.png)\n\n";
  }
  outcome.report_path = (root / "REPORT.md").string();
  std::ofstream out(outcome.report_path);
  out << md.str();
  if (!out) throw Error(outcome.report_path + ": cannot write");
  return outcome;
}

}  // namespace hsgd
