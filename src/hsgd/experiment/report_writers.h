// report_writers.h: the files of a report (internal to report*.cc), each from
// the suite and the statistics of report_data.h:
//   report_tables.cc    tables.csv (the differences) and modes.csv (per mode)
//   report_figures.cc   curves/*.csv, the gnuplot scripts and running gnuplot
//   report_differences.cc  curves/<cell>-hybrid-minus-<mode>.csv and their figure
//   report_markdown.cc  REPORT.md
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hsgd/experiment/report_data.h"

namespace hsgd::report {

void write_tables_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path);
void write_modes_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path);
// runs.csv: one row per run of every cell (a run shared by cells is listed
// under each): cell, mode, seed, whether it diverged, and each metric
// averaged over the run and final. What the research scripts
// (scripts/hsgd_results/) read instead of each run's metrics.csv.
void write_runs_csv(const CellResults& cells, const std::filesystem::path& path);

// Writes curves/<cell>-<mode>.csv for every distinct cell and the gnuplot
// scripts of the figures; returns the scripts, relative to root ("figures/x.gp").
std::vector<std::string> write_curves_and_scripts(const Suite& suite, const CellResults& cells,
                                                  const std::filesystem::path& root);

struct FiguresDrawn {
  int images = 0;     // image files written
  bool all = true;    // every figure the report shows exists
  std::vector<std::string> warnings;
};
// Runs gnuplot on each script when `draw`; otherwise only says whether the
// figures of an earlier run are there. `results_dir` is for the messages.
FiguresDrawn draw_figures(const std::filesystem::path& root, const std::vector<std::string>& scripts, bool draw,
                          const std::string& results_dir);

// The stem of a table's K(t) and staleness figure: "figures/<stem>.png".
std::string k_figure_stem(const SuiteTable& table);

// The title of a cell's figures: "suite: table, cell", or the suite's name for a suite without tables.
std::string figure_title(const Suite& suite, const SuiteTable& table, const SuiteCell& cell);

// Whether a cell's runs are in the simulator (runtime = "sim"): its time axis is virtual.
bool runs_in_virtual_time(const Suite& suite, const SuiteCell& cell);
// The time axis of a table's figures: "virtual time (s)", "time (s)", or both kinds of cells.
std::string time_axis_label(const Suite& suite, const SuiteTable& table);

// Per seed, hybrid minus `other` on a common time grid (the evaluation times
// of the first seed's hybrid run within every run's span; other runs
// interpolated linearly, exact in the simulator whose runs share their
// evaluation times), then its mean and paired 95% band over seeds at each
// time. Writes curves/<cell>-hybrid-minus-<other>.csv for async and sync
// where the cell has them; returns the modes written ("async", "sync").
std::vector<std::string> write_difference_curves(const CellResult& cell, const std::string& key,
                                                 const std::filesystem::path& root);
// figures/<cell>-differences.gp (one panel per mode of `others`); returns its name, relative to root.
std::string write_difference_script(const std::string& key, const std::string& title,
                                    const std::vector<std::string>& others, const std::string& time_label,
                                    const std::filesystem::path& root);
// The stem of a cell's difference figure: "figures/<stem>.png".
std::string difference_figure_stem(const std::string& cell_key);

struct MarkdownContext {
  std::string results_dir;  // as the user gave it, for the "rebuild" line
  double real_seconds = -1;  // the suite's real time; <0 = not recorded
  int jobs = 0;              // runs at a time; 0 = not recorded
  std::string machine;       // where the runs ran; empty = not recorded
  std::string reproduce;     // the command that repeats the runs; empty: hsgd experiment SUITE
  bool figures_drawn = true;
};
std::string report_markdown(const Suite& suite, const CellResults& cells, const MarkdownContext& context);

}  // namespace hsgd::report
