// single_worker_trainer.cc
#include "hsgd/train/single_worker_trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/batch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/metrics/csv_writer.h"
#include "hsgd/optim/sgd.h"

namespace hsgd {

void check_model_fits_data(const Model& model, const Dataset& data) {
  if (!(model.input_shape() == data.train.shape))
    throw ConfigError("model " + model.name() + " takes " + model.input_shape().to_string() +
                      " images but data set " + data.name + " has " + data.train.shape.to_string() +
                      " images");
}

TrainResult train_single_worker(const TrainConfig& config, const Dataset& data, Model& model, std::FILE* log) {
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

  CsvWriter metrics(config.out_dir + "/metrics.csv",
                    {"time_s", "wall_s", "steps", "samples", "epoch", "train_loss", "test_loss", "test_accuracy"});
  TrainResult result;
  Stopwatch wall, train_clock;
  double loss_sum = 0;  // train loss since the last evaluation row
  int64_t loss_count = 0;
  double last_train_loss = NAN;
  Evaluation last_eval;

  auto evaluate_and_record = [&] {
    train_clock.pause();
    last_eval = model.evaluate(data.test, data.normalization, config.eval_batch);
    if (loss_count > 0) last_train_loss = loss_sum / loss_count;
    loss_sum = 0;
    loss_count = 0;
    const double t = train_clock.seconds();
    metrics.row({CsvWriter::num(t), CsvWriter::num(wall.seconds()), CsvWriter::num((long long)result.steps),
                 CsvWriter::num((long long)sampler.samples_drawn()), CsvWriter::num(sampler.epochs()),
                 CsvWriter::num(last_train_loss), CsvWriter::num(last_eval.loss),
                 CsvWriter::num(last_eval.accuracy)});
    if (config.target_accuracy > 0 && result.target_reached_seconds < 0 &&
        last_eval.accuracy >= config.target_accuracy) {
      result.target_reached_seconds = t;
      result.target_reached_epochs = sampler.epochs();
    }
    train_clock.resume();
  };

  auto fraction_done = [&] {
    double f = 0;
    if (config.steps > 0) f = std::max(f, double(result.steps) / config.steps);
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
      throw Error("training diverged: the loss is " + std::to_string(loss) + " at step " +
                  std::to_string(result.steps) + "; try a smaller --lr (now " + std::to_string(config.lr) + ")");
    sgd.step(params.data(), grad.data());
    model.set_params(params.data());
    loss_sum += loss;
    ++loss_count;
    ++result.steps;
    evaluated_last_step = false;

    if (train_clock.seconds() >= next_eval) {
      evaluate_and_record();
      evaluated_last_step = true;
      while (next_eval <= train_clock.seconds()) next_eval += config.eval_every_seconds;
    }
    if (log != nullptr) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "epoch %.2f  step %lld  loss %.4f  test acc %.2f%%  %.0f samples/s",
                    sampler.epochs(), (long long)result.steps, loss, 100 * last_eval.accuracy,
                    sampler.samples_drawn() / std::max(train_clock.seconds(), 1e-9));
      progress.update(fraction_done(), wall.seconds(), detail, evaluated_last_step);
    }
  }
  if (!evaluated_last_step) evaluate_and_record();
  if (log != nullptr) progress.finish();

  result.final_eval = last_eval;
  result.samples = sampler.samples_drawn();
  result.epochs = sampler.epochs();
  result.train_seconds = train_clock.seconds();
  result.wall_seconds = wall.seconds();
  result.samples_per_second = result.samples / std::max(result.train_seconds, 1e-9);

  nlohmann::json summary = {
      {"config", config},
      {"model_parameters", n},
      {"train_images", data.train.size()},
      {"test_images", data.test.size()},
      {"final", {{"test_accuracy", last_eval.accuracy}, {"test_loss", last_eval.loss}, {"train_loss", last_train_loss}}},
      {"steps", result.steps},
      {"samples", result.samples},
      {"epochs", result.epochs},
      {"train_seconds", result.train_seconds},
      {"wall_seconds", result.wall_seconds},
      {"samples_per_second", result.samples_per_second},
      {"target_reached_seconds", result.target_reached_seconds},
      {"target_reached_epochs", result.target_reached_epochs}};
  std::ofstream(config.out_dir + "/summary.json") << summary.dump(2) << '\n';
  return result;
}

}  // namespace hsgd
