// report_writers.h: the files of a report (internal to report*.cc), each from
// the suite and the statistics of report_data.h:
//   report_tables.cc    tables.csv (the differences) and modes.csv (per mode)
//   report_figures.cc   curves/*.csv, the gnuplot scripts and running gnuplot
//   report_markdown.cc  REPORT.md
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hsgd/experiment/report_data.h"

namespace hsgd::report {

void write_tables_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path);
void write_modes_csv(const Suite& suite, const CellResults& cells, const std::filesystem::path& path);

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

struct MarkdownContext {
  std::string results_dir;  // as the user gave it, for the "rebuild" line
  double real_seconds = -1;  // the suite's real time; <0 = not recorded
  int jobs = 0;              // runs at a time; 0 = not recorded
  std::string machine;       // where the runs ran; empty = not recorded
  bool figures_drawn = true;
};
std::string report_markdown(const Suite& suite, const CellResults& cells, const MarkdownContext& context);

}  // namespace hsgd::report
