// report_figures.cc: the mean curves over seeds (curves/<cell>-<mode>.csv),
// the gnuplot scripts of the figures (per cell: test accuracy and test loss
// against time with a 95% band; per table: hybrid's K(t) and staleness), and
// running gnuplot on them.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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

// A gnuplot string in single quotes ('' is a quote).
std::string gp_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A shell word in single quotes ('\'' is a quote).
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

const std::map<std::string, std::string> kModeColor = {
    {"sync", "#1f77b4"}, {"async", "#d62728"}, {"hybrid", "#2ca02c"}};

// The same plots as PNG, then as SVG.
std::string terminal_block(const std::string& out_stem, const std::string& size, const std::string& body) {
  return "set terminal pngcairo size " + size + " font ',10'\nset output " + gp_quote(out_stem + ".png") + "\n" +
         body + "unset multiplot\nset terminal svg size " + size + " dynamic font ',10'\nset output " +
         gp_quote(out_stem + ".svg") + "\n" + body + "unset multiplot\n";
}

// One panel of a cell's figure: the mean (column mean_col) and its band, per mode.
std::string mode_panel(const std::string& key, const std::vector<std::string>& modes, int mean_col,
                       const std::string& ylabel, const std::string& key_pos) {
  std::string s = "set ylabel '" + ylabel + "'\nset key " + key_pos + "\nplot ";
  bool first = true;
  for (const auto& m : modes) {
    const std::string file = gp_quote("curves/" + key + "-" + m + ".csv");
    const std::string color = kModeColor.count(m) ? kModeColor.at(m) : "#7f7f7f";
    s += std::string(first ? "" : ", ") + file + " every ::1 using 1:" + std::to_string(mean_col + 1) + ":" +
         std::to_string(mean_col + 2) + " with filledcurves fc rgb '" + color +
         "' fs transparent solid 0.18 noborder notitle, " + file + " every ::1 using 1:" + std::to_string(mean_col) +
         " with lines lw 2 lc rgb '" + color + "' title '" + m + "'";
    first = false;
  }
  return s + "\n";
}

// Test accuracy and test loss against time, one line and band per mode.
std::string cell_figure_script(const std::string& key, const std::string& title, const std::vector<std::string>& modes) {
  std::string body = "set datafile separator ','\nset grid\nset xlabel 'time (s)'\n"
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
std::string k_figure_script(const std::string& stem, const std::string& title, const SuiteTable& t) {
  std::string body = "set datafile separator ','\nset grid\nset xlabel 'time (s)'\nset key bottom right\n"
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

std::string k_figure_stem(const SuiteTable& table) { return slug(table.name) + "-k-staleness"; }

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
      std::ofstream(root / name) << cell_figure_script(cell.key, suite.name + ": " + table.name + ", " + cell.label,
                                                       suite.modes);
      scripts.push_back(name);
    }
    if (cells.at(table.cells[0].key).has("hybrid")) {
      const std::string stem = k_figure_stem(table);
      std::ofstream(root / ("figures/" + stem + ".gp")) << k_figure_script(stem, suite.name + ": " + table.name, table);
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
