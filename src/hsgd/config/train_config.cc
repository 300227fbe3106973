// train_config.cc: range checks and JSON serialisation of TrainConfig.
#include "hsgd/config/train_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"

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
  require(steps >= 0, "--steps", static_cast<double>(steps), "must be >= 0 (0 = no limit)");
  require(eval_every_seconds > 0, "--eval-every", eval_every_seconds, "must be > 0 seconds");
  require(eval_batch >= 1, "--eval-batch", eval_batch, "must be >= 1");
  require(target_accuracy >= 0 && target_accuracy <= 1, "--target-accuracy", target_accuracy,
          "must be in [0, 1] (a fraction, 0 = off)");
  require(threads >= 0, "--threads", threads, "must be >= 1, or 0 for all cores");
  if (nesterov && momentum == 0) throw ConfigError("--nesterov needs --momentum > 0");
  if (epochs == 0 && seconds == 0 && steps == 0)
    throw ConfigError("no training budget: give --epochs, --seconds or --steps");
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
                     {"steps", c.steps},
                     {"eval_every_seconds", c.eval_every_seconds},
                     {"eval_batch", c.eval_batch},
                     {"target_accuracy", c.target_accuracy},
                     {"threads", c.threads},
                     {"seed", c.seed},
                     {"out_dir", c.out_dir}};
}

}  // namespace hsgd
