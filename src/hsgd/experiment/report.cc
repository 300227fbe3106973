// report.cc: see report.h. build_report reads the runs and computes the
// statistics (report_data.cc), then writes tables.csv and modes.csv
// (report_tables.cc), the curves and figures (report_figures.cc) and
// REPORT.md (report_markdown.cc).
#include "hsgd/experiment/report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"
#include "hsgd/experiment/report_writers.h"

namespace hsgd {
namespace fs = std::filesystem;
namespace {

// The suite's real time, the runs at a time, the machines that ran them and
// (hsgd compare's) the command that repeats the runs, from experiment.json when it is there and readable (the report goes on
// without them otherwise).
void read_timing(const fs::path& root, report::MarkdownContext& context) {
  const fs::path file = root / "experiment.json";
  if (context.real_seconds >= 0 || !fs::is_regular_file(file)) return;
  try {
    const auto j = nlohmann::json::parse(read_bounded_text_file(file.string(), kMaxExperimentFileBytes,
                                                                "the suite's record"));
    context.real_seconds = j.value("real_seconds_total", -1.0);
    context.reproduce = j.value("reproduce", std::string());  // hsgd compare's own command
    for (const auto& inv : j.value("invocations", nlohmann::json::array())) {
      if (inv.value("runs_run", 0) == 0) continue;
      context.jobs = std::max(context.jobs, inv.value("jobs", 0));
      const std::string machine = inv.value("machine", std::string());
      if (!machine.empty() && context.machine.find(machine) == std::string::npos)
        context.machine += (context.machine.empty() ? "" : " and ") + machine;
    }
  } catch (const nlohmann::json::exception&) {
  } catch (const DataError&) {
  }
}

}  // namespace

ReportOutcome build_report(const Suite& suite, const ReportOptions& opt) {
  const fs::path root(opt.results_dir);
  const report::CellResults cells = report::load_cells(suite, root);
  report::write_tables_csv(suite, cells, root / "tables.csv");
  report::write_modes_csv(suite, cells, root / "modes.csv");
  const std::vector<std::string> scripts = report::write_curves_and_scripts(suite, cells, root);
  const std::string shown_dir = opt.shown_dir.empty() ? opt.results_dir : opt.shown_dir;
  const report::FiguresDrawn figures = report::draw_figures(root, scripts, opt.figures, shown_dir);

  report::MarkdownContext context;
  context.results_dir = shown_dir;
  context.real_seconds = opt.real_seconds;
  context.figures_drawn = figures.all;
  read_timing(root, context);

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
