// single_worker_trainer.cc
#include "hsgd/train/single_worker_trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/batch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/optim/sgd.h"

namespace hsgd {

void check_model_fits_data(const Model& model, const Dataset& data) {
  if (!(model.input_shape() == data.train.shape))
    throw ConfigError("model " + model.name() + " takes " + model.input_shape().to_string() +
                      " images but data set " + data.name + " has " + data.train.shape.to_string() +
                      " images");
}

RunResult train_single_worker(const TrainConfig& config, const Dataset& data, Model& model, std::FILE* log) {
  config.validate();
  check_model_fits_data(model, data);
  std::filesystem::create_directories(config.out_dir);

  const size_t n = model.num_params();
  std::vector<float> params(n), grad(n);
  model.get_params(params.data());
  Sgd sgd(n, {config.lr, config.momentum, config.weight_decay, config.nesterov});
  BatchSampler sampler(shard_indices(data.train.size(), 1, 0, config.seed), config.batch_size,
                       derive_seed(config.seed, 1));
  Batch batch;

  MetricsFile metrics(config.out_dir + "/metrics.csv");
  RunResult result;
  Stopwatch wall, train_clock;
  int64_t updates = 0;
  double loss_sum = 0;  // train loss since the last evaluation row
  int64_t loss_count = 0;

  auto evaluate_and_record = [&] {
    train_clock.pause();
    const Evaluation e = model.evaluate(data.test, data.normalization, config.eval_batch);
    MetricsRow row;
    row.time_s = train_clock.seconds();
    row.gradients = row.updates = static_cast<uint64_t>(updates);
    row.samples = sampler.samples_drawn();
    row.epoch = sampler.epochs();
    row.train_loss = loss_count > 0 ? loss_sum / loss_count : NAN;
    row.test_loss = e.loss;
    row.test_accuracy = e.accuracy;
    loss_sum = 0;
    loss_count = 0;
    metrics.write(row);
    result.rows.push_back(row);
    if (config.target_accuracy > 0 && result.target_reached_seconds < 0 && e.accuracy >= config.target_accuracy)
      result.target_reached_seconds = row.time_s;
    train_clock.resume();
  };

  auto fraction_done = [&] {
    double f = 0;
    if (config.updates > 0) f = std::max(f, double(updates) / config.updates);
    if (config.gradients > 0) f = std::max(f, double(updates) / config.gradients);
    if (config.epochs > 0) f = std::max(f, sampler.epochs() / config.epochs);
    if (config.seconds > 0) f = std::max(f, train_clock.seconds() / config.seconds);
    return f;
  };

  ProgressLine progress(log != nullptr ? log : stderr);
  evaluate_and_record();  // the starting point of every curve
  double next_eval = config.eval_every_seconds;
  bool evaluated_last_step = true;

  while (fraction_done() < 1.0) {
    const auto& indices = sampler.next();
    fill_batch(data.train, data.normalization, indices.data(), indices.size(), batch);
    const double loss = model.compute_gradient(batch, grad.data());
    if (!std::isfinite(loss))
      throw Error("training diverged: the loss is " + std::to_string(loss) + " at update " + std::to_string(updates) +
                  "; try a smaller --lr (now " + std::to_string(config.lr) + ")");
    sgd.step(params.data(), grad.data());
    model.set_params(params.data());
    loss_sum += loss;
    ++loss_count;
    ++updates;
    evaluated_last_step = false;

    if (train_clock.seconds() >= next_eval) {
      evaluate_and_record();
      evaluated_last_step = true;
      while (next_eval <= train_clock.seconds()) next_eval += config.eval_every_seconds;
    }
    if (log != nullptr) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "epoch %.2f  update %lld  loss %.4f  test acc %.2f%%  %.0f samples/s",
                    sampler.epochs(), (long long)updates, loss, 100 * result.rows.back().test_accuracy,
                    sampler.samples_drawn() / std::max(train_clock.seconds(), 1e-9));
      progress.update(fraction_done(), wall.seconds(), detail, evaluated_last_step);
    }
  }
  if (!evaluated_last_step) evaluate_and_record();
  if (log != nullptr) progress.finish();

  result.train_seconds = train_clock.seconds();
  result.wall_seconds = wall.seconds();
  nlohmann::json summary = result;
  summary["config"] = config;
  summary["model_parameters"] = n;
  summary["train_images"] = data.train.size();
  summary["test_images"] = data.test.size();
  write_json_file(config.out_dir + "/summary.json", summary);
  return result;
}

}  // namespace hsgd
