// run_setup.h: what every parameter-server runtime builds from a TrainConfig
// before it starts: the PS core (initial weights from the seed, mode, K
// schedule), the delay model, and the summary.json common to all runtimes.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"
#include "hsgd/ps/parameter_server.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/runtime/snapshot_evaluator.h"

namespace hsgd {

// What the workers have done beside what the PS counts: samples computed, and
// the train loss since the last snapshot.
struct WorkerProgress {
  uint64_t samples = 0;
  double loss_sum = 0;
  uint64_t loss_count = 0;
  void record(size_t batch_size, double loss);
  double mean_loss() const;  // NaN before the first gradient
};

// The share of the budget used (>= 1 when done). `seconds` is the training
// time so far; pass 0 to leave the time budget to the caller.
double budget_fraction(const TrainConfig& config, const Accounting& accounting, uint64_t samples,
                       size_t train_size, double seconds);

// The PS state and the workers' progress at training time t, to evaluate.
// Starts a new staleness window and a new train-loss window.
Snapshot take_snapshot(ParameterServer& ps, WorkerProgress& progress, size_t train_size, double t);

// Receives each evaluated row: writes it to metrics.csv, keeps it in the
// result and notes when the target accuracy is first reached.
class RowRecorder {
 public:
  RowRecorder(const TrainConfig& config, RunResult& result)
      : file_(config.out_dir + "/metrics.csv"), target_(config.target_accuracy), result_(result) {}
  void operator()(const MetricsRow& row);

 private:
  MetricsFile file_;
  double target_;
  RunResult& result_;
};

// A PS holding factory(config.seed)'s weights: every mode
// and every runtime starts from the same initial weights for a given seed.
std::unique_ptr<ParameterServer> make_parameter_server(const TrainConfig& config, const ModelFactory& factory);

DelayModel make_delay_model(const TrainConfig& config);

// The summary every PS runtime writes: configuration, result, accounting,
// staleness histogram, K schedule, delays.
nlohmann::json ps_run_summary(const TrainConfig& config, const Dataset& data, const RunResult& result,
                              const ParameterServer& ps, const DelayModel& delays);

}  // namespace hsgd
