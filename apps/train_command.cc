// train_command.cc: `hsgd train`: one run with any runtime and mode.
#include <ctime>
#include <filesystem>
#include <thread>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/model/model.h"
#include "hsgd/runtime/mpi_runtime.h"
#include "hsgd/runtime/sim_runtime.h"
#include "hsgd/runtime/threads_runtime.h"
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
  const Dataset data = prepare_run(config, "train", table.given("workers"));
  const bool output = is_output_rank(config);
  if (output) table.save(config.out_dir + "/config.toml");
  if (output && config.runtime != "single") std::fprintf(stderr, "hsgd: mode %s\n", config.mode.c_str());
  const RunResult r = run_training(config, data);
  if (!output) return 0;
  const MetricsRow& f = r.final_row();
  std::printf("final test accuracy %.2f%%, test loss %.4f after %.1fs of training: %.2f epochs, %llu gradients, "
              "%llu updates, %.0f samples/s\n",
              100 * f.test_accuracy, f.test_loss, r.train_seconds, f.epoch, (unsigned long long)f.gradients,
              (unsigned long long)f.updates, f.samples / std::max(r.train_seconds, 1e-9));
  std::printf("averaged over the run: test accuracy %.2f%%, test loss %.4f, train loss %.4f\n",
              100 * r.mean_test_accuracy(), r.mean_test_loss(), r.mean_train_loss());
  if (config.target_accuracy > 0) {
    if (r.target_reached_seconds >= 0)
      std::printf("target %.2f%% reached after %.1fs of training\n", 100 * config.target_accuracy,
                  r.target_reached_seconds);
    else
      std::printf("target %.2f%% NOT reached (final %.2f%%)\n", 100 * config.target_accuracy, 100 * f.test_accuracy);
  }
  std::printf("results: %s/metrics.csv, summary.json, config.toml\n", config.out_dir.c_str());
  return config.target_accuracy > 0 && r.target_reached_seconds < 0 ? 4 : 0;
}

}  // namespace

void add_training_options(OptionTable& table, TrainConfig& c, bool with_mode) {
  table.add_config_option();
  table.add("data", c.data, std::string("data set: ") + dataset_spec_help());
  table.add("data-root", c.data_root, "folder of named data sets (default: $HSGD_DATA_ROOT or the project's data/)");
  table.add("model", c.model, "network:" + model_names());
  table.add("runtime", c.runtime,
            "single (one worker, no parameter server), threads (workers as threads, real time) or sim "
            "(a simulated cluster in virtual time, deterministic) or mpi (rank 0 the server, ranks 1..N workers: "
            "mpirun -np N+1 hsgd train --runtime mpi ...)");
  if (with_mode) table.add("mode", c.mode, "sync, async or hybrid (K from --schedule)");
  table.add("workers", c.workers, "number of workers");
  table.add("schedule", c.schedule,
            "hybrid K schedule: constant:K | step[:S=..,c=..,K0=..,Kmax=..] (K = min(Kmax, K0 + floor(g/S)), "
            "S = c/lr, c = 3) | linear:gradients|seconds,from=A,to=B,over=X | list:gradients|seconds,P1=K1,...");
  table.add("wait", c.wait, "hybrid wait policy: none (push, pull, go on) or applied (wait until the gradient is applied)");
  table.add("aggregation", c.aggregation, "mean or sum of the buffered gradients");
  table.add_flag("staleness-lr", c.staleness_lr, "weight each gradient by 1/staleness (Zhang et al. 2016)");
  table.add("max-staleness", c.max_staleness, "drop gradients staler than this (-1 = never)");
  table.add("delay", c.delay, "injected delay before each push: none, half-normal, exponential or fixed");
  table.add("delay-fraction", c.delay_fraction, "share of workers that are delayed, in [0, 1]");
  table.add("delay-scale", c.delay_scale, "seconds: sigma (half-normal), mean (exponential) or value (fixed)");
  table.add("sim-compute", c.sim_compute,
            "sim: compute time per minibatch: fixed (--sim-compute-ms), calibrated (measured once at start) or "
            "measured (each computation's CPU time; not reproducible)");
  table.add("sim-compute-ms", c.sim_compute_ms, "sim: fixed compute time per minibatch, ms");
  table.add("sim-speeds", c.sim_speeds, "sim: per-worker compute-time factors, e.g. 1,1,2 (cycled over workers)");
  table.add("sim-latency-ms", c.sim_latency_ms, "sim: network latency per message, ms");
  table.add("sim-bandwidth", c.sim_bandwidth_mb_s, "sim: network bandwidth per message, MB/s (0 = unlimited)");
  table.add("sim-ps-gradient-ms", c.sim_ps_gradient_ms, "sim: PS cost per gradient received, ms");
  table.add("sim-ps-update-ms", c.sim_ps_update_ms, "sim: PS cost per update, ms");
  table.add("worker-timeout", c.worker_timeout,
            "mpi: seconds without a message before a worker rank is declared dead");
  table.add("mpi-hang-rank", c.mpi_hang_rank, "mpi, for tests: this rank stops answering after --mpi-hang-after pushes");
  table.add("mpi-hang-after", c.mpi_hang_after, "mpi, for tests: see --mpi-hang-rank");
  table.add("batch-size", c.batch_size, "minibatch size per worker");
  table.add("lr", c.lr, "learning rate");
  table.add("momentum", c.momentum, "SGD momentum, in [0, 1)");
  table.add("weight-decay", c.weight_decay, "L2 penalty");
  table.add_flag("nesterov", c.nesterov, "Nesterov momentum");
  table.add("epochs", c.epochs, "budget: samples computed / training-set size (0 = none)");
  table.add("seconds", c.seconds, "budget: seconds of training (0 = none)");
  table.add("updates", c.updates, "budget: parameter updates (0 = none)");
  table.add("gradients", c.gradients, "budget: gradients pushed (0 = none)");
  table.add("eval-every", c.eval_every_seconds, "seconds of training between test-set evaluations");
  table.add("eval-batch", c.eval_batch, "evaluation minibatch size");
  table.add("target-accuracy", c.target_accuracy,
            "report when test accuracy first reaches this fraction; exit 4 if never (0 = off)");
  table.add("threads", c.threads, "compute threads per worker (0 = cores / workers, at least 1)");
  table.add("seed", c.seed, "seed of every random choice (weights, shards, batches, delays)");
  table.add("out", c.out_dir, "results folder (default runs/<command>-<time>)");
}

MpiSession& mpi_session() {
  static MpiSession session;  // MPI_Init on first use, MPI_Finalize at exit
  return session;
}

bool is_output_rank(const TrainConfig& config) { return config.runtime != "mpi" || mpi_session().rank() == 0; }

Dataset prepare_run(TrainConfig& config, const std::string& out_prefix, bool workers_given) {
  if (config.data_root.empty()) config.data_root = default_data_root();
  if (config.out_dir.empty()) config.out_dir = timestamped_dir(out_prefix);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (config.runtime == "mpi") {
    // One process per worker: each computes with one thread unless told otherwise.
    if (!workers_given) config.workers = std::max(1, mpi_session().size() - 1);
    if (config.threads == 0) config.threads = 1;
    if (mpi_session().rank() != 0) {
      config.validate();
      set_compute_threads(config.threads);
      Dataset data = load_dataset(config.data, config.data_root);
      keep_worker_shard(data, mpi_session().rank() - 1, config.workers, config.seed);
      return data;
    }
  }
  config.threads = config.threads_per_worker(cores);
  config.validate();

  set_compute_threads(config.threads);
  std::fprintf(stderr, "hsgd: %s\n", compute_backend_summary().c_str());
  Stopwatch load_clock;
  Dataset data = load_dataset(config.data, config.data_root);
  std::fprintf(stderr, "hsgd: data %s: %zu train + %zu test images of %s (%.1fs)\n", data.name.c_str(),
               data.train.size(), data.test.size(), data.train.shape.to_string().c_str(), load_clock.seconds());
  const auto model = make_model(config.model, config.seed);
  check_model_fits_data(*model, data);
  std::fprintf(stderr, "hsgd: model %s (%zu parameters), runtime %s", config.model.c_str(), model->num_params(),
               config.runtime.c_str());
  if (config.runtime != "single") std::fprintf(stderr, ", %d workers", config.workers);
  std::fprintf(stderr, "; results in %s\n", config.out_dir.c_str());
  std::filesystem::create_directories(config.out_dir);
  return data;
}

RunResult run_training(const TrainConfig& config, const Dataset& data) {
  if (config.runtime == "single") {
    auto model = make_model(config.model, config.seed);
    return train_single_worker(config, data, *model, stderr);
  }
  const std::string name = config.model;
  const ModelFactory factory = [name](uint64_t seed) { return make_model(name, seed); };
  if (config.runtime == "sim") return run_sim(config, data, factory, stderr);
  if (config.runtime == "mpi")
    return run_mpi(mpi_session(), config, data, factory, mpi_session().rank() == 0 ? stderr : nullptr);
  return run_threads(config, data, factory, stderr);
}

Command add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "train a model and record test accuracy over time");
  auto config = std::make_shared<TrainConfig>();
  auto table = std::make_shared<OptionTable>(cmd);
  add_training_options(*table, *config, /*with_mode=*/true);
  return {cmd, [config, table] {
            table->load_config_file();
            return run_train(*table, *config);
          }};
}

}  // namespace hsgd::cli
