// train_config.cc: range checks and JSON serialisation of TrainConfig.
#include "hsgd/config/train_config.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/ps_options.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/sim/cost_model.h"

namespace hsgd {
namespace {

void require(bool ok, const std::string& option, double value, const std::string& allowed) {
  if (!ok) {
    std::ostringstream msg;
    msg << option << " = " << value << " is out of range: " << allowed;
    throw ConfigError(msg.str());
  }
}

}  // namespace

void TrainConfig::validate() const {
  require(batch_size >= 1, "--batch-size", batch_size, "must be >= 1");
  require(std::isfinite(lr) && lr > 0, "--lr", lr, "must be > 0");
  require(momentum >= 0 && momentum < 1, "--momentum", momentum, "must be in [0, 1)");
  require(weight_decay >= 0, "--weight-decay", weight_decay, "must be >= 0");
  require(epochs >= 0, "--epochs", epochs, "must be >= 0 (0 = no limit)");
  require(seconds >= 0, "--seconds", seconds, "must be >= 0 (0 = no limit)");
  require(updates >= 0, "--updates", static_cast<double>(updates), "must be >= 0 (0 = no limit)");
  require(gradients >= 0, "--gradients", static_cast<double>(gradients), "must be >= 0 (0 = no limit)");
  require(eval_every_seconds > 0, "--eval-every", eval_every_seconds, "must be > 0 seconds");
  require(eval_batch >= 1, "--eval-batch", eval_batch, "must be >= 1");
  require(target_accuracy >= 0 && target_accuracy <= 1, "--target-accuracy", target_accuracy,
          "must be in [0, 1] (a fraction, 0 = off)");
  require(threads >= 0, "--threads", threads, "must be >= 1, or 0 for all cores");
  if (nesterov && momentum == 0) throw ConfigError("--nesterov needs --momentum > 0");
  if (epochs == 0 && seconds == 0 && updates == 0 && gradients == 0)
    throw ConfigError("no training budget: give --epochs, --seconds, --updates or --gradients");
  if (runtime != "single" && runtime != "threads" && runtime != "sim" && runtime != "mpi")
    throw ConfigError("--runtime " + runtime + ": unknown runtime; expected single, threads, sim or mpi");
  require(worker_timeout > 0, "--worker-timeout", worker_timeout, "must be > 0 seconds");
  if (sim_compute != "fixed" && sim_compute != "calibrated" && sim_compute != "measured")
    throw ConfigError("--sim-compute " + sim_compute + ": unknown cost; expected fixed, calibrated or measured");
  require(std::isfinite(sim_compute_ms) && sim_compute_ms > 0, "--sim-compute-ms", sim_compute_ms, "must be > 0");
  sim::parse_speed_factors(sim_speeds);
  require(sim_latency_ms >= 0, "--sim-latency-ms", sim_latency_ms, "must be >= 0");
  require(sim_bandwidth_mb_s >= 0, "--sim-bandwidth", sim_bandwidth_mb_s, "must be >= 0 MB/s (0 = unlimited)");
  require(sim_ps_gradient_ms >= 0, "--sim-ps-gradient-ms", sim_ps_gradient_ms, "must be >= 0");
  require(sim_ps_update_ms >= 0, "--sim-ps-update-ms", sim_ps_update_ms, "must be >= 0");
  require(workers >= 1, "--workers", workers, "must be >= 1");
  parse_mode(mode);
  parse_wait_policy(wait);
  parse_aggregation(aggregation);
  if (mode == "hybrid") parse_k_schedule(schedule, lr, workers);
  require(max_staleness >= -1, "--max-staleness", static_cast<double>(max_staleness), "must be >= 0, or -1 for no limit");
  check_delay_distribution(delay);
  require(delay_fraction >= 0 && delay_fraction <= 1, "--delay-fraction", delay_fraction, "must be in [0, 1]");
  require(std::isfinite(delay_scale) && delay_scale >= 0, "--delay-scale", delay_scale, "must be >= 0 seconds");
}

int TrainConfig::threads_per_worker(int cores) const {
  if (threads > 0) return threads;
  // single and sim compute one gradient at a time: they get every core.
  const int w = (runtime == "single" || runtime == "sim") ? 1 : std::max(1, workers);
  return std::max(1, cores / w);
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json{{"data", c.data},
                     {"data_root", c.data_root},
                     {"model", c.model},
                     {"batch_size", c.batch_size},
                     {"lr", c.lr},
                     {"momentum", c.momentum},
                     {"weight_decay", c.weight_decay},
                     {"nesterov", c.nesterov},
                     {"epochs", c.epochs},
                     {"seconds", c.seconds},
                     {"runtime", c.runtime},
                     {"mode", c.mode},
                     {"workers", c.workers},
                     {"schedule", c.schedule},
                     {"wait", c.wait},
                     {"aggregation", c.aggregation},
                     {"staleness_lr", c.staleness_lr},
                     {"max_staleness", c.max_staleness},
                     {"delay", c.delay},
                     {"delay_fraction", c.delay_fraction},
                     {"delay_scale", c.delay_scale},
                     {"sim_compute", c.sim_compute},
                     {"sim_compute_ms", c.sim_compute_ms},
                     {"sim_speeds", c.sim_speeds},
                     {"sim_latency_ms", c.sim_latency_ms},
                     {"sim_bandwidth_mb_s", c.sim_bandwidth_mb_s},
                     {"sim_ps_gradient_ms", c.sim_ps_gradient_ms},
                     {"sim_ps_update_ms", c.sim_ps_update_ms},
                     {"worker_timeout", c.worker_timeout},
                     {"updates", c.updates},
                     {"gradients", c.gradients},
                     {"eval_every_seconds", c.eval_every_seconds},
                     {"eval_batch", c.eval_batch},
                     {"target_accuracy", c.target_accuracy},
                     {"threads", c.threads},
                     {"seed", c.seed},
                     {"out_dir", c.out_dir}};
}

}  // namespace hsgd
