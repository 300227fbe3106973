// report.cc: see report.h. build_report reads the runs and computes the
// statistics (report_data.cc), then writes tables.csv and modes.csv
// (report_tables.cc), the curves and figures (report_figures.cc) and
// REPORT.md (report_markdown.cc).
#include "hsgd/experiment/report.h"

#include <filesystem>
#include <fstream>

#include "hsgd/common/error.h"
#include "hsgd/experiment/report_writers.h"
#include "hsgd/experiment/results_folder.h"

namespace hsgd {
namespace fs = std::filesystem;

ReportOutcome build_report(const Suite& suite, const ReportOptions& opt) {
  const fs::path root(opt.results_dir);
  const report::CellResults cells = report::load_cells(suite, root);
  report::write_tables_csv(suite, cells, root / "tables.csv");
  report::write_modes_csv(suite, cells, root / "modes.csv");
  report::write_runs_csv(cells, root / "runs.csv");
  const std::vector<std::string> scripts = report::write_curves_and_scripts(suite, cells, root);
  const std::string shown_dir = opt.shown_dir.empty() ? opt.results_dir : opt.shown_dir;
  const report::FiguresDrawn figures = report::draw_figures(root, scripts, opt.figures, shown_dir);

  report::MarkdownContext context;
  context.results_dir = shown_dir;
  context.real_seconds = opt.real_seconds;
  context.figures_drawn = figures.all;
  if (context.real_seconds < 0) {  // from experiment.json, when it is there and readable
    const RecordedTiming timing = read_recorded_timing(root);
    context.real_seconds = timing.real_seconds;
    context.jobs = timing.jobs;
    context.machine = timing.machine;
    context.reproduce = timing.reproduce;
  }

  ReportOutcome outcome;
  outcome.figures = figures.images;
  outcome.warnings = figures.warnings;
  outcome.report_path = (root / "REPORT.md").string();
  std::ofstream out(outcome.report_path);
  out << report::report_markdown(suite, cells, context);
  if (!out) throw Error(outcome.report_path + ": cannot write");
  return outcome;
}

}  // namespace hsgd
