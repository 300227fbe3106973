// sim_runtime.h: a cluster of N workers and one parameter server in virtual
// time, deterministically, on however few cores (--runtime sim).
//
// Gradients are computed for real, one at a time, on the parameters of the
// version the worker pulled and on the worker's own shard and batch order;
// how long each step takes comes from the cost model (sim/cost_model.h). The
// same ParameterServer core as the other runtimes aggregates and applies.
// Event model, tie-breaking and what is modelled: docs/simulator.md.
#pragma once

#include <cstdio>

#include "hsgd/config/train_config.h"
#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"

namespace hsgd {

// Writes metrics.csv (time_s is virtual time) and summary.json (with the real
// wall time, the cost model and the calibrated compute time) into config.out_dir.
RunResult run_sim(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::FILE* log);

}  // namespace hsgd
