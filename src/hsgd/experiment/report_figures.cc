// report_figures.cc: the mean curves over seeds (curves/<cell>-<mode>.csv),
// the gnuplot scripts of the figures (per cell: test accuracy and test loss
// against time with a 95% band, and the paired differences of
// report_differences.cc; per table: hybrid's K(t) and staleness), and running
// gnuplot on them. The time axis says "virtual time (s)" for the simulator.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "hsgd/experiment/report_gnuplot.h"
#include "hsgd/experiment/report_writers.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd::report {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kCurveColumns = {
    "time_s",         "n",          "test_accuracy_mean", "test_accuracy_low", "test_accuracy_high",
    "test_loss_mean", "test_loss_low", "test_loss_high",  "train_loss_mean",   "k_mean",
    "staleness_mean", "updates_mean"};

// The rows every run of a mode has (the simulator evaluates every run at the same times).
size_t common_rows(const ModeRuns& runs) {
  size_t rows = SIZE_MAX;
  for (const auto& [seed, r] : runs) rows = std::min(rows, r.rows.size());
  return runs.empty() ? 0 : rows;
}

template <typename Field>
stats::Summary over_seeds(const ModeRuns& runs, size_t row, Field field) {
  std::vector<double> v;
  for (const auto& [seed, r] : runs) v.push_back(field(r.rows[row]));
  return stats::summarize(v);
}

// Mean and 95% band over seeds at each evaluation (row index).
void write_curve(const ModeRuns& runs, const fs::path& path) {
  CsvWriter csv(path.string(), kCurveColumns);
  const size_t rows = common_rows(runs);
  for (size_t i = 0; i < rows; ++i) {
    auto mean_of = [&](auto field) { return CsvWriter::num(over_seeds(runs, i, field).mean); };
    const auto a = over_seeds(runs, i, [](const MetricsRow& r) { return value_of(r, Metric::kTestAccuracy); });
    const auto l = over_seeds(runs, i, [](const MetricsRow& r) { return r.test_loss; });
    csv.row({mean_of([](const MetricsRow& r) { return r.time_s; }), CsvWriter::num(static_cast<long long>(a.n)),
             CsvWriter::num(a.mean), CsvWriter::num(a.ci95_low), CsvWriter::num(a.ci95_high), CsvWriter::num(l.mean),
             CsvWriter::num(l.ci95_low), CsvWriter::num(l.ci95_high),
             mean_of([](const MetricsRow& r) { return r.train_loss; }),
             mean_of([](const MetricsRow& r) { return static_cast<double>(r.k); }),
             mean_of([](const MetricsRow& r) { return r.staleness_mean; }),
             mean_of([](const MetricsRow& r) { return static_cast<double>(r.updates); })});
  }
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

// A shell word in single quotes ('\'' is a quote).
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Each mode's colour and line: drawn widest first (sync, async, hybrid), each
// with its own dash pattern and marker (every 4th point), so that lines that
// coincide (async and hybrid at K = 1) stay visible one on top of the other.
struct ModeStyle {
  const char* color;
  const char* line;
};
const std::map<std::string, ModeStyle> kModeStyle = {
    {"sync", {"#1f77b4", "lw 4 dt 1 pt 5 ps 0.8 pi 4"}},
    {"async", {"#d62728", "lw 2.5 dt 2 pt 9 ps 0.8 pi 4"}},
    {"hybrid", {"#2ca02c", "lw 1.5 dt 4 pt 7 ps 0.6 pi 4"}},
};
ModeStyle style_of(const std::string& mode) {
  return kModeStyle.count(mode) ? kModeStyle.at(mode) : ModeStyle{"#7f7f7f", "lw 2 dt 5 pt 3 ps 0.6 pi 4"};
}

// One panel of a cell's figure: the mean (column mean_col) and its band, per
// mode; every band first, then the lines over them.
std::string mode_panel(const std::string& key, const std::vector<std::string>& modes, int mean_col,
                       const std::string& ylabel, const std::string& key_pos) {
  std::string bands, lines;
  for (const auto& m : modes) {
    const std::string file = gp_quote("curves/" + key + "-" + m + ".csv");
    const ModeStyle style = style_of(m);
    bands += file + " every ::1 using 1:" + std::to_string(mean_col + 1) + ":" + std::to_string(mean_col + 2) +
             " with filledcurves fc rgb '" + style.color + "' fs transparent solid 0.18 noborder notitle, ";
    lines += std::string(lines.empty() ? "" : ", ") + file + " every ::1 using 1:" + std::to_string(mean_col) +
             " with linespoints " + style.line + " lc rgb '" + style.color + "' title '" + m + "'";
  }
  return "set ylabel '" + ylabel + "'\nset key " + key_pos + "\nplot " + bands + lines + "\n";
}

// Test accuracy and test loss against time, one line and band per mode.
std::string cell_figure_script(const std::string& key, const std::string& title, const std::vector<std::string>& modes,
                               const std::string& time_label) {
  std::string body = "set datafile separator ','\nset grid\nset xlabel " + gp_quote(time_label) + "\n"
                     "set multiplot layout 1,2 title " + gp_quote(title + " (mean of seeds, band: 95% CI)") + "\n";
  body += mode_panel(key, modes, 3, "test accuracy (%)", "bottom right");
  body += mode_panel(key, modes, 6, "test loss", "top right");
  return terminal_block("figures/" + key, "1200,450", body);
}

// One panel of a table's K figure: column col of hybrid's curve, one line per cell.
std::string cells_panel(const SuiteTable& t, int col, const std::string& ylabel) {
  std::string s = "set ylabel '" + ylabel + "'\nplot ";
  for (size_t i = 0; i < t.cells.size(); ++i)
    s += std::string(i ? ", " : "") + gp_quote("curves/" + t.cells[i].key + "-hybrid.csv") + " every ::1 using 1:" +
         std::to_string(col) + " with lines lw 2 title " + gp_quote(t.cells[i].label);
  return s + "\n";
}

// K(t) and mean staleness of hybrid, one line per cell of a table.
std::string k_figure_script(const std::string& stem, const std::string& title, const SuiteTable& t,
                            const std::string& time_label) {
  std::string body = "set datafile separator ','\nset grid\nset xlabel " + gp_quote(time_label) + "\nset key bottom right\n"
                     "set multiplot layout 1,2 title " + gp_quote(title + ": hybrid, mean of seeds") + "\n";
  body += cells_panel(t, 10, "K (gradients per update)");
  body += "set key top right\n" + cells_panel(t, 11, "mean staleness of gradients received");
  return terminal_block("figures/" + stem, "1200,450", body);
}

bool run_gnuplot(const fs::path& dir, const std::string& script_name, std::string& error) {
  const std::string cmd = "cd " + shell_quote(dir.string()) + " && gnuplot " + shell_quote(script_name) + " 2> " +
                          shell_quote(script_name + ".log");
  if (std::system(cmd.c_str()) == 0) {
    fs::remove(dir / (script_name + ".log"));
    return true;
  }
  std::ifstream log(dir / (script_name + ".log"));
  std::stringstream s;
  s << log.rdbuf();
  error = s.str().substr(0, 400);
  return false;
}

}  // namespace

// "suite: table, cell"; a suite without tables (hsgd compare's) is its own table of one cell "all".
std::string figure_title(const Suite& suite, const SuiteTable& table, const SuiteCell& cell) {
  if (table.name == suite.name && table.cells.size() == 1 && cell.label == "all") return suite.name;
  return suite.name + ": " + table.name + ", " + cell.label;
}

std::string k_figure_stem(const SuiteTable& table) { return slug(table.name) + "-k-staleness"; }

bool runs_in_virtual_time(const Suite& suite, const SuiteCell& cell) {
  std::string runtime = "threads";  // hsgd train's default
  for (const SuiteOptions* options : {&suite.options, &cell.options})
    for (const auto& o : *options)
      if (o.name == "runtime") runtime = o.text;
  return runtime == "sim";
}

std::string time_axis_label(const Suite& suite, const SuiteTable& table) {
  size_t virtual_cells = 0;
  for (const auto& cell : table.cells) virtual_cells += runs_in_virtual_time(suite, cell);
  if (virtual_cells == table.cells.size()) return "virtual time (s)";
  return virtual_cells == 0 ? "time (s)" : "time (s; virtual in the sim cells)";
}

std::vector<std::string> write_curves_and_scripts(const Suite& suite, const CellResults& cells, const fs::path& root) {
  fs::create_directories(root / "curves");
  fs::create_directories(root / "figures");
  std::vector<std::string> scripts;
  std::set<std::string> drawn;
  for (const auto& table : suite.tables) {
    for (const auto& cell : table.cells) {
      if (!drawn.insert(cell.key).second) continue;
      for (const auto& [mode, runs] : cells.at(cell.key).modes)
        write_curve(runs, root / "curves" / (cell.key + "-" + mode + ".csv"));
      const std::string name = "figures/" + cell.key + ".gp";
      const std::string title = figure_title(suite, table, cell);
      const std::string time_label = runs_in_virtual_time(suite, cell) ? "virtual time (s)" : "time (s)";
      std::ofstream(root / name) << cell_figure_script(cell.key, title, suite.modes, time_label);
      scripts.push_back(name);
      if (const auto diff = write_difference_curves(cells.at(cell.key), cell.key, root); !diff.empty())
        scripts.push_back(write_difference_script(cell.key, title, diff, time_label, root));
    }
    if (cells.at(table.cells[0].key).has("hybrid")) {
      const std::string stem = k_figure_stem(table);
      std::ofstream(root / ("figures/" + stem + ".gp"))
          << k_figure_script(stem, suite.name + ": " + table.name, table, time_axis_label(suite, table));
      scripts.push_back("figures/" + stem + ".gp");
    }
  }
  return scripts;
}

FiguresDrawn draw_figures(const fs::path& root, const std::vector<std::string>& scripts, bool draw,
                          const std::string& results_dir) {
  FiguresDrawn out;
  if (!draw) {
    for (const auto& script : scripts) out.all &= fs::exists(root / (script.substr(0, script.size() - 3) + ".png"));
    return out;
  }
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
    out.warnings.push_back("gnuplot not found: no figures (install gnuplot-nox; scripts/setup.sh does), then run "
                           "hsgd report " + results_dir);
    out.all = false;
    return out;
  }
  for (const auto& s : scripts) {
    std::string error;
    if (run_gnuplot(root, s, error)) {
      out.images += 2;
    } else {
      out.warnings.push_back("gnuplot failed on " + (root / s).string() + ": " + error);
      out.all = false;
    }
  }
  return out;
}

}  // namespace hsgd::report
