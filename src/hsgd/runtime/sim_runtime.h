// sim_runtime.h: --runtime sim: a cluster of N workers and one parameter
// server in virtual time, deterministically, on however few cores.
//
// Gradients are computed for real, one at a time, on the parameters of the
// version the worker pulled and on the worker's own shard and batch order;
// how long each step takes comes from the cost model (sim/cost_model.h). The
// same ParameterServer core as the other runtimes aggregates and applies.
// metrics.csv's time_s is virtual time; summary.json adds the real time, the
// cost model and the calibrated compute time. Event model, tie-breaking and
// what is modelled: docs/simulator.md.
#pragma once

#include <memory>

#include "hsgd/runtime/runtime.h"

namespace hsgd {

std::unique_ptr<Runtime> make_sim_runtime();

}  // namespace hsgd
