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

namespace hsgd {

// A PS holding factory(config.seed)'s weights: every mode
// and every runtime starts from the same initial weights for a given seed.
std::unique_ptr<ParameterServer> make_parameter_server(const TrainConfig& config, const ModelFactory& factory);

DelayModel make_delay_model(const TrainConfig& config);

// The summary every PS runtime writes: configuration, result, accounting,
// staleness histogram, K schedule, delays.
nlohmann::json ps_run_summary(const TrainConfig& config, const Dataset& data, const RunResult& result,
                              const ParameterServer& ps, const DelayModel& delays);

}  // namespace hsgd
