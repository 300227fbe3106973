// report_markdown.cc: REPORT.md, section by section: the summary of verdicts,
// the setup, and per table the paper's hybrid - async table with verdicts,
// hybrid - sync, per-mode accuracies, the work done and the figures.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "hsgd/experiment/report_format.h"
#include "hsgd/experiment/report_writers.h"

namespace hsgd::report {
namespace {

// Text inside a Markdown table cell: a '|' would end the cell, a line break the row.
std::string cell_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

// "sign reproduced (paper +1.374, hsgd +0.52), significant (p = 0.004)"
std::string verdict(double paper, const stats::Summary& s, Metric m) {
  if (!std::isfinite(paper) || !std::isfinite(s.mean)) return "n/a";
  const bool same = (paper > 0 && s.mean > 0) || (paper < 0 && s.mean < 0) || (paper == 0 && s.mean == 0);
  return std::string(same ? "sign reproduced" : "sign **not** reproduced") + " (paper " + fmt(paper, 3, true) +
         ", hsgd " + fmt(s.mean, info(m).decimals, true) + "), " + (significant(s) ? "significant" : "not significant") +
         " (p = " + fmt_p(s.p_value) + ")";
}

const stats::Summary& run_accuracy(const CellResult& c, const std::string& other) {
  return c.diff.at(other)(Over::kRun, Metric::kTestAccuracy);
}

// Over the cells where the paper gives hybrid - async of the test accuracy:
// how often hsgd's mean has its sign, and is significant with it or against it.
struct PaperTally {
  int compared = 0, same_sign = 0, same_significant = 0, opposite_significant = 0;
};

PaperTally tally_against_paper(const Suite& suite, const CellResults& cells) {
  PaperTally t;
  for (const auto& table : suite.tables)
    for (size_t ci = 0; ci < table.cells.size(); ++ci) {
      const CellResult& c = cells.at(table.cells[ci].key);
      if (!has_paper_difference(table, Metric::kTestAccuracy) || !c.compares_with("async")) continue;
      const stats::Summary& s = run_accuracy(c, "async");
      ++t.compared;
      const bool same = (paper_difference(table, ci, Metric::kTestAccuracy) > 0) == (s.mean > 0);
      t.same_sign += same;
      t.same_significant += same && significant(s);
      t.opposite_significant += !same && significant(s);
    }
  return t;
}

// The "## Summary" paragraphs: how many of the paper's cells hsgd reproduces,
// and in how many distinct cells hybrid beats sync.
void write_summary(std::ostream& md, const Suite& suite, const CellResults& cells) {
  const PaperTally t = tally_against_paper(suite, cells);
  int sync_cells = 0, sync_better = 0;
  for (const auto& [key, c] : cells)
    if (c.compares_with("sync")) {
      ++sync_cells;
      const stats::Summary& s = run_accuracy(c, "sync");
      sync_better += s.mean > 0 && significant(s);
    }
  if (t.compared > 0 || sync_cells > 0) md << "## Summary\n\n";
  if (t.compared > 0) {
    md << "The paper's claim is that hybrid beats async: its tables give hybrid − async of the test accuracy "
          "averaged over the run. Over the " << t.compared << " cells of this suite, hsgd's mean difference has the "
       << "paper's sign in **" << t.same_sign << "**; it is significant (paired t-test over "
       << suite.seeds.size() << " seeds, p < 0.05) with the paper's sign in **" << t.same_significant
       << "** and with the opposite sign in **" << t.opposite_significant << "**.\n\n";
  }
  if (sync_cells > 0)
    md << "Hybrid beats sync (test accuracy averaged over the run, p < 0.05) in **" << sync_better << "** of the "
       << sync_cells << " distinct cells.\n\n";
}

void write_setup(std::ostream& md, const Suite& suite, const MarkdownContext& context) {
  md << "## Setup\n\n";
  md << "- Suite `" << suite.name << "` (" << suite.origin << "), saved as [suite.toml](suite.toml); seeds";
  for (uint64_t s : suite.seeds) md << " " << s;
  md << "; modes";
  for (const auto& m : suite.modes) md << " " << m;
  md << ". Within a seed the modes share initial weights, shards, batch order and delays, so differences are "
        "paired by seed.\n";
  md << "- Options of every run (each run's `request.toml` and resolved `config.toml` are in its folder):\n\n";
  md << "  | option | value |\n  |---|---|\n";
  for (const auto& o : suite.options) md << "  | " << cell_text(o.name) << " | `" << cell_text(o.text) << "` |\n";
  md << "\n- Statistics: per seed, the hybrid value minus the async (or sync) value; the table shows the mean over "
        "seeds, its 95% confidence interval (Student's t, n − 1 degrees of freedom) and the two-sided paired "
        "t-test p-value. \"Averaged over the run\" is the mean over the run's evaluation points, as in the "
        "paper's tables; accuracy is in percentage points.\n";
  md << "- Real time of the suite: ";
  if (context.real_seconds >= 0) md << fmt(context.real_seconds / 60, 1) << " min";
  else md << "not recorded";
  if (context.jobs > 0) md << " (" << context.jobs << " runs at a time)";
  md << "; machine: " << (context.machine.empty() ? "not recorded" : context.machine) << ".\n";
  if (!context.reproduce.empty())
    md << "- Reproduce: `" << context.reproduce << "`";
  else
    md << "- Reproduce: `hsgd experiment " << (suite.origin == "built-in" ? suite.name : suite.origin)
       << "` (finished runs are skipped)";
  md << "; rebuild this report: `hsgd report " << context.results_dir << "`.\n\n";
}

// "| cell |" then `columns` per metric, and the alignment row with `align` per metric.
void write_metric_header(std::ostream& md, const std::string& columns, const std::string& align) {
  md << "| cell |";
  for (Metric m : kMetrics) md << " " << info(m).title << columns;
  md << "\n|---|";
  for (size_t i = 0; i < kMetrics.size(); ++i) md << align;
  md << "\n";
}

// hybrid - `other` averaged over the run, per metric: the mean with its 95% CI
// and p, after the paper's value where the paper gives one (hybrid - async).
void write_difference_table(std::ostream& md, const SuiteTable& table, const CellResults& cells,
                            const std::string& other) {
  const bool paper_columns = other == "async";
  if (paper_columns) {
    md << "### hybrid − async, averaged over the run (the paper's table)\n\n";
    write_metric_header(md, ": paper | hsgd mean [95% CI] | p |", "---:|---:|---:|");
  } else {
    md << "### hybrid − " << other << ", averaged over the run\n\n";
    write_metric_header(md, " [95% CI] | p |", "---:|---:|");
  }
  for (size_t ci = 0; ci < table.cells.size(); ++ci) {
    const CellResult& c = cells.at(table.cells[ci].key);
    md << "| " << cell_text(table.cells[ci].label) << " |";
    for (Metric m : kMetrics) {
      const stats::Summary& s = c.diff.at(other)(Over::kRun, m);
      md << " ";
      if (paper_columns)
        md << (has_paper_difference(table, m) ? fmt(paper_difference(table, ci, m), 3, true) : "") << " | ";
      md << fmt_ci(s, info(m).decimals) << " | " << fmt_p(s.p_value) << " |";
    }
    md << "\n";
  }
  md << "\n";
}

void write_verdicts(std::ostream& md, const SuiteTable& table, const CellResults& cells) {
  md << "Verdicts: does hsgd's hybrid − async have the paper's sign, and is it significant (p < 0.05)?\n\n";
  for (size_t ci = 0; ci < table.cells.size(); ++ci) {
    const CellResult& c = cells.at(table.cells[ci].key);
    md << "- **" << table.cells[ci].label << "**: ";
    bool first = true;
    for (Metric m : kMetrics) {
      if (!has_paper_difference(table, m)) continue;
      md << (first ? "" : ". ") << info(m).label << ": "
         << verdict(paper_difference(table, ci, m), c.diff.at("async")(Over::kRun, m), m);
      first = false;
    }
    md << ".\n";
  }
  md << "\n";
}

// "| cell |" then `per_mode` columns per mode (and `extra`), and the alignment row.
void write_mode_header(std::ostream& md, const Suite& suite, const std::string& title,
                       const std::vector<std::string>& per_mode, const std::string& extra) {
  md << title << "\n\n| cell |";
  for (const auto& m : suite.modes)
    for (const auto& column : per_mode) md << " " << m << column << " |";
  if (!extra.empty()) md << " " << extra << " |";
  md << "\n|---|";
  for (size_t i = 0; i < suite.modes.size() * per_mode.size(); ++i) md << "---:|";
  if (!extra.empty()) md << "---:|";
  md << "\n";
}

void write_mode_accuracy_table(std::ostream& md, const Suite& suite, const SuiteTable& table, const CellResults& cells) {
  const bool paper = !table.paper_final_accuracy.empty();
  write_mode_header(md, suite, "### Per mode: test accuracy (%), averaged over the run and final, mean [95% CI]",
                    {" avg", " final"}, paper ? "paper final, read from the figures (sync / async / hybrid)" : "");
  for (size_t ci = 0; ci < table.cells.size(); ++ci) {
    const CellResult& c = cells.at(table.cells[ci].key);
    md << "| " << cell_text(table.cells[ci].label) << " |";
    for (const auto& m : suite.modes)
      for (Over o : kOvers) md << " " << fmt_ci(c.mode_stats.at(m)(o, Metric::kTestAccuracy), 2, /*sign=*/false) << " |";
    if (paper) {
      const auto& p = table.paper_final_accuracy[ci];
      md << " ~" << fmt(p[0], 1) << " / ~" << fmt(p[1], 1) << " / ~" << fmt(p[2], 1) << " |";
    }
    md << "\n";
  }
  md << "\n";
}

// Mean over seeds of a counter in the runs' last rows.
template <typename Field>
double final_mean(const ModeRuns& runs, Field field) {
  std::vector<double> v;
  for (const auto& [seed, r] : runs) v.push_back(static_cast<double>(field(r.rows.back())));
  return stats::summarize(v).mean;
}

void write_work_table(std::ostream& md, const Suite& suite, const SuiteTable& table, const CellResults& cells) {
  write_mode_header(md, suite, "### Work done: gradients received / updates applied by the end (mean over seeds)",
                    {""}, "");
  for (size_t ci = 0; ci < table.cells.size(); ++ci) {
    const CellResult& c = cells.at(table.cells[ci].key);
    md << "| " << cell_text(table.cells[ci].label) << " |";
    for (const auto& m : suite.modes) {
      const ModeRuns& runs = c.modes.at(m);
      md << " " << fmt(final_mean(runs, [](const MetricsRow& r) { return r.gradients; }), 0) << " / "
         << fmt(final_mean(runs, [](const MetricsRow& r) { return r.updates; }), 0) << " |";
    }
    md << "\n";
  }
}

// The runs that diverged, per cell and mode, when any did.
void write_diverged_runs(std::ostream& md, const Suite& suite, const SuiteTable& table, const CellResults& cells) {
  std::ostringstream rows;
  for (const auto& cell : table.cells)
    for (const auto& mode : suite.modes) {
      std::string seeds, times;
      int count = 0;
      for (const auto& [seed, run] : cells.at(cell.key).modes.at(mode)) {
        if (!run.diverged()) continue;
        seeds += (count ? ", " : "") + std::to_string(seed);
        times += (count ? ", " : "") + fmt(run.diverged_at_s, 1);
        ++count;
      }
      if (count > 0)
        rows << "| " << cell_text(cell.label) << " | " << mode << " | " << count << " of "
             << cells.at(cell.key).modes.at(mode).size() << " (seeds " << seeds << ") | " << times << " |\n";
    }
  if (rows.str().empty()) return;
  md << "\n### Diverged runs\n\nA diverged run stopped training; it counts with the model it had then: its last "
        "evaluation is carried on to the end of the time budget, so its run average covers the same interval as "
        "the others'.\n\n| cell | mode | diverged | at (s) |\n|---|---|---|---|\n"
     << rows.str();
}

void write_figures(std::ostream& md, const SuiteTable& table, const CellResults& cells, bool drawn) {
  md << "\n### Figures\n\n";
  if (!drawn) md << "(Figures were not drawn; see the warnings of `hsgd report`.)\n\n";
  for (const auto& cell : table.cells) {
    md << "**" << cell.label << "**: test accuracy and test loss against time\n\n![" << cell.label << "](figures/"
       << cell.key << ".png)\n\n";
    const CellResult& c = cells.at(cell.key);
    if (c.compares_with("async") || c.compares_with("sync"))
      md << "**" << cell.label << "**: hybrid minus each mode over time, paired by seed, with its 95% band\n\n!["
         << cell.label << " differences](figures/" << difference_figure_stem(cell.key) << ".png)\n\n";
  }
  if (cells.at(table.cells[0].key).has("hybrid"))
    md << "K(t) and staleness of hybrid\n\n![K and staleness](figures/" << k_figure_stem(table) << ".png)\n\n";
}

void write_table_sections(std::ostream& md, const Suite& suite, const SuiteTable& table, const CellResults& cells,
                          bool figures_drawn) {
  md << "## " << table.name << "\n\n";
  const CellResult& first = cells.at(table.cells[0].key);
  if (first.compares_with("async")) {
    write_difference_table(md, table, cells, "async");
    if (!table.paper.empty()) write_verdicts(md, table, cells);
  }
  if (first.compares_with("sync")) write_difference_table(md, table, cells, "sync");
  write_mode_accuracy_table(md, suite, table, cells);
  write_work_table(md, suite, table, cells);
  write_diverged_runs(md, suite, table, cells);
  write_figures(md, table, cells, figures_drawn);
}

}  // namespace

std::string report_markdown(const Suite& suite, const CellResults& cells, const MarkdownContext& context) {
  std::ostringstream md;
  md << "# Experiment report: " << suite.name << "\n\n" << suite.description << "\n\n";
  md << "Generated by `hsgd report` from the runs' metrics files; every number below is computed from "
        "`runs/*/*/metrics.csv`. Machine-readable: [tables.csv](tables.csv) (differences), "
        "[modes.csv](modes.csv) (per mode), `curves/` (mean curves).\n\n";
  write_summary(md, suite, cells);
  write_setup(md, suite, context);
  for (const auto& table : suite.tables) write_table_sections(md, suite, table, cells, context.figures_drawn);
  return md.str();
}

}  // namespace hsgd::report
