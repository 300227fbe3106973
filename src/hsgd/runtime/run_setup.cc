// run_setup.cc
#include "hsgd/runtime/run_setup.h"

#include <nlohmann/json.hpp>

#include "hsgd/model/model.h"

namespace hsgd {

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
