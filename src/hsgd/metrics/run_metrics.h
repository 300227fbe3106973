// run_metrics.h: the rows of a run's metrics.csv, the same for every runtime,
// and what a finished run reports.
//
// Columns: time_s (training time: wall-clock, or virtual in the simulator),
// gradients (received by the PS),
// updates (applied), k (threshold in force), staleness_mean / staleness_max
// (of gradients received since the previous row), dropped (total so far),
// samples (computed by workers), epoch (samples / training-set size),
// train_loss (mean worker loss since the previous row), test_loss, test_accuracy.
// Real (wall) time is in summary.json, not here: a simulator run's metrics
// file is then byte-identical when it is repeated with the same seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hsgd/common/enum_names.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd {

struct MetricsRow {
  double time_s = 0;
  uint64_t gradients = 0;
  uint64_t updates = 0;
  int k = 1;
  double staleness_mean = 0;
  uint64_t staleness_max = 0;
  uint64_t dropped = 0;
  uint64_t samples = 0;
  double epoch = 0;
  double train_loss = 0;  // NaN before the first gradient
  double test_loss = 0;
  double test_accuracy = 0;
};

const std::vector<std::string>& metrics_columns();

class MetricsFile {
 public:
  explicit MetricsFile(const std::string& path) : csv_(path, metrics_columns()) {}
  void write(const MetricsRow& row);

 private:
  CsvWriter csv_;
};

// How a run ended (docs/architecture.md, "Run lifecycle").
enum class RunStatus {
  kFinished,    // a budget or the target accuracy was reached
  kTerminated,  // SIGINT or SIGTERM
  kDiverged,    // the loss or the parameters became non-finite
  kFailed,      // an error
};
template <>
struct EnumNames<RunStatus> {
  static constexpr const char* kind = "run status";
  static constexpr std::pair<RunStatus, const char*> values[] = {{RunStatus::kFinished, "finished"},
                                                                 {RunStatus::kTerminated, "terminated"},
                                                                 {RunStatus::kDiverged, "diverged"},
                                                                 {RunStatus::kFailed, "failed"}};
};

struct RunResult {
  std::vector<MetricsRow> rows;  // one per evaluation, in time order
  double train_seconds = 0;
  double wall_seconds = 0;
  double target_reached_seconds = -1;  // first row at or above --target-accuracy (training time); -1 = never
  double target_reached_wall_seconds = -1;  // wall-clock time since the start when that row was evaluated
  RunStatus status = RunStatus::kFinished;
  std::string stop_reason;  // "time budget reached", "terminated (SIGTERM)", "training diverged: ..."
  int signal = 0;           // the signal that terminated it
  size_t snapshots_not_evaluated = 0;  // dropped when a signal cut the run short

  const MetricsRow& final_row() const { return rows.back(); }
  // The mean over evaluation rows: the paper's "averaged over the training interval".
  double mean_test_accuracy() const;
  double mean_test_loss() const;
  double mean_train_loss() const;  // over rows with a train loss
};

}  // namespace hsgd

#include <nlohmann/json_fwd.hpp>

namespace hsgd {
// Final and run-averaged values of a result, for summary.json.
void to_json(nlohmann::json& j, const RunResult& r);
// v, or null where it is not finite (JSON has no NaN).
nlohmann::json finite_or_null(double v);
// Writes `summary` (pretty JSON) to path.
void write_json_file(const std::string& path, const nlohmann::json& summary);
// The most bytes a reader of a run's summary.json accepts (the runner, the report).
constexpr size_t kMaxSummaryFileBytes = size_t{64} << 20;
}  // namespace hsgd
