// train_command.cc: `hsgd train`, single-worker training (more runtimes follow).
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "apps/commands.h"
#include "apps/option_table.h"
#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/config/train_config.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/model/model.h"
#include "hsgd/train/single_worker_trainer.h"

namespace hsgd::cli {
namespace {

std::string timestamped_dir(const std::string& prefix) {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
  return "runs/" + prefix + "-" + buf;
}

std::string model_names() {
  std::string s;
  for (const auto& m : model_catalog()) s += std::string("\n  ") + m.name + ": " + m.description;
  return s;
}

int run_train(const OptionTable& table, TrainConfig& config) {
  if (config.data_root.empty()) config.data_root = default_data_root();
  if (config.out_dir.empty()) config.out_dir = timestamped_dir("train");
  if (config.threads == 0) config.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  config.validate();

  set_compute_threads(config.threads);
  std::fprintf(stderr, "hsgd: %s\n", compute_backend_summary().c_str());
  Stopwatch load_clock;
  const Dataset data = load_dataset(config.data, config.data_root);
  std::fprintf(stderr, "hsgd: data %s: %zu train + %zu test images of %s (%.1fs)\n", data.name.c_str(),
               data.train.size(), data.test.size(), data.train.shape.to_string().c_str(), load_clock.seconds());
  auto model = make_model(config.model, config.seed);
  check_model_fits_data(*model, data);
  std::fprintf(stderr, "hsgd: model %s, %zu parameters; results in %s\n", config.model.c_str(),
               model->num_params(), config.out_dir.c_str());

  std::filesystem::create_directories(config.out_dir);
  table.save(config.out_dir + "/config.toml");
  const TrainResult r = train_single_worker(config, data, *model, stderr);

  std::printf("final test accuracy %.2f%%, test loss %.4f after %.2f epochs (%lld steps, %.1fs training, %.0f samples/s)\n",
              100 * r.final_eval.accuracy, r.final_eval.loss, r.epochs, (long long)r.steps, r.train_seconds,
              r.samples_per_second);
  if (config.target_accuracy > 0) {
    if (r.target_reached_seconds >= 0)
      std::printf("target %.2f%% reached after %.2f epochs, %.1fs of training\n", 100 * config.target_accuracy,
                  r.target_reached_epochs, r.target_reached_seconds);
    else
      std::printf("target %.2f%% NOT reached (best final %.2f%%)\n", 100 * config.target_accuracy,
                  100 * r.final_eval.accuracy);
  }
  std::printf("metrics: %s/metrics.csv, configuration: %s/config.toml\n", config.out_dir.c_str(),
              config.out_dir.c_str());
  return config.target_accuracy > 0 && r.target_reached_seconds < 0 ? 4 : 0;
}

}  // namespace

Command add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "train a model and record test accuracy over time");
  auto config = std::make_shared<TrainConfig>();
  auto table = std::make_shared<OptionTable>(cmd);
  TrainConfig& c = *config;
  table->add_config_option();
  table->add("data", c.data, std::string("data set: ") + dataset_spec_help());
  table->add("data-root", c.data_root, "folder of named data sets (default: $HSGD_DATA_ROOT or the project's data/)");
  table->add("model", c.model, "network:" + model_names());
  table->add("batch-size", c.batch_size, "minibatch size");
  table->add("lr", c.lr, "learning rate");
  table->add("momentum", c.momentum, "SGD momentum, in [0, 1)");
  table->add("weight-decay", c.weight_decay, "L2 penalty");
  table->add_flag("nesterov", c.nesterov, "Nesterov momentum");
  table->add("epochs", c.epochs, "budget in epochs (0 = none)");
  table->add("seconds", c.seconds, "budget in seconds of training time (0 = none)");
  table->add("steps", c.steps, "budget in optimizer steps (0 = none)");
  table->add("eval-every", c.eval_every_seconds, "seconds of training between test-set evaluations");
  table->add("eval-batch", c.eval_batch, "evaluation minibatch size");
  table->add("target-accuracy", c.target_accuracy,
             "report when test accuracy first reaches this fraction; exit 4 if never (0 = off)");
  table->add("threads", c.threads, "compute threads (0 = all cores)");
  table->add("seed", c.seed, "seed of every random choice (weights, shards, batches)");
  table->add("out", c.out_dir, "results folder (default runs/train-<time>)");
  return {cmd, [config, table] {
            table->load_config_file();
            return run_train(*table, *config);
          }};
}

}  // namespace hsgd::cli
