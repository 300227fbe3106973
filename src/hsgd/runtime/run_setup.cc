// run_setup.cc
#include "hsgd/runtime/run_setup.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "hsgd/model/model.h"

namespace hsgd {

void WorkerProgress::record(size_t batch_size, double loss) {
  samples += batch_size;
  if (std::isfinite(loss)) {
    loss_sum += loss;
    ++loss_count;
  }
}

double WorkerProgress::mean_loss() const { return loss_count ? loss_sum / loss_count : NAN; }

double budget_fraction(const TrainConfig& c, const Accounting& a, uint64_t samples, size_t train_size,
                       double seconds) {
  double f = 0;
  if (c.seconds > 0) f = std::max(f, seconds / c.seconds);
  if (c.updates > 0) f = std::max(f, double(a.updates) / c.updates);
  if (c.gradients > 0) f = std::max(f, double(a.received) / c.gradients);
  if (c.epochs > 0) f = std::max(f, double(samples) / train_size / c.epochs);
  return f;
}

Snapshot take_snapshot(ParameterServer& ps, WorkerProgress& progress, size_t train_size, double t) {
  Snapshot s;
  s.params = ps.params();
  const StalenessWindow w = ps.take_staleness_window();
  MetricsRow& r = s.row;
  r.time_s = t;
  r.gradients = ps.accounting().received;
  r.updates = ps.accounting().updates;
  r.k = ps.current_k(t);
  r.staleness_mean = w.mean();
  r.staleness_max = w.max;
  r.dropped = ps.accounting().dropped_total();
  r.samples = progress.samples;
  r.epoch = double(progress.samples) / train_size;
  r.train_loss = progress.mean_loss();
  progress.loss_sum = 0;
  progress.loss_count = 0;
  return s;
}

void RowRecorder::operator()(const MetricsRow& row) {
  file_.write(row);
  result_.rows.push_back(row);
  if (target_ > 0 && result_.target_reached_seconds < 0 && row.test_accuracy >= target_)
    result_.target_reached_seconds = row.time_s;
}

std::unique_ptr<ParameterServer> make_parameter_server(const TrainConfig& config, const ModelFactory& factory) {
  auto model = factory(config.seed);
  std::vector<float> params(model->num_params());
  model->get_params(params.data());
  PsOptions options;
  options.mode = parse_mode(config.mode);
  options.aggregation = parse_aggregation(config.aggregation);
  options.sgd = {config.lr, config.momentum, config.weight_decay, config.nesterov};
  options.num_workers = config.workers;
  options.staleness_aware_lr = config.staleness_lr;
  options.max_staleness = config.max_staleness;
  std::unique_ptr<KSchedule> schedule;
  if (options.mode == Mode::kHybrid) schedule = parse_k_schedule(config.schedule, config.lr, config.workers);
  return std::make_unique<ParameterServer>(std::move(params), options, std::move(schedule));
}

DelayModel make_delay_model(const TrainConfig& config) {
  return DelayModel(config.delay, config.delay_fraction, config.delay_scale, config.workers, config.seed);
}

nlohmann::json ps_run_summary(const TrainConfig& config, const Dataset& data, const RunResult& result,
                              const ParameterServer& ps, const DelayModel& delays) {
  nlohmann::json summary = result;
  summary["config"] = config;
  summary["model_parameters"] = ps.num_params();
  summary["train_images"] = data.train.size();
  summary["test_images"] = data.test.size();
  summary["schedule"] = ps.schedule_description();
  summary["wait"] = config.mode == "sync" ? "applied" : config.mode == "async" ? "none" : config.wait;
  summary["delays"] = delays.describe();
  const Accounting& a = ps.accounting();
  nlohmann::json dropped = nlohmann::json::object();
  for (size_t r = 0; r < a.dropped.size(); ++r) dropped[to_string(static_cast<DropReason>(r))] = a.dropped[r];
  summary["accounting"] = {{"received", a.received}, {"applied", a.applied},   {"buffered", a.buffered},
                           {"dropped", dropped},     {"updates", a.updates},   {"balances", a.balances()}};
  // Histogram without its trailing empty bins; the last bin of 64 counts staleness >= 63.
  std::vector<uint64_t> histogram = ps.staleness_histogram();
  while (!histogram.empty() && histogram.back() == 0) histogram.pop_back();
  summary["staleness_histogram"] = histogram;
  return summary;
}

}  // namespace hsgd
