// train_command.cc: `hsgd train`: one run with any runtime and mode, through
// the training session (src/hsgd/runtime/session.h): every option is checked
// before any data is loaded or any folder is created. This file parses and
// prints; the session does the rest.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "apps/commands.h"
#include "hsgd/common/error.h"
#include "hsgd/runtime/run.h"
#include "hsgd/runtime/run_folder.h"

namespace hsgd::cli {

ModelFactory model_factory(const TrainConfig& config, const Dataset* data) {
  DataShape shape;
  if (data != nullptr) shape = {data->train.shape, data->num_classes};
  return [name = config.model, backend = config.backend, shape](uint64_t seed) {
    return make_model(name, seed, backend, shape);
  };
}

SessionModels session_models() {
  SessionModels models;
  models.factory_for = model_factory;
  models.set_compute_threads = set_compute_threads;
  return models;
}

namespace {
std::string& failure_message() {
  static std::string message;
  return message;
}
}  // namespace

std::string last_failure() { return failure_message(); }
void forget_failure() { failure_message().clear(); }

int report_failure(const std::exception& e) {
  const int status = failure_exit_status(e);
  failure_message() = e.what();
  std::fprintf(stderr, "hsgd: %s: %s\n", status == kExitFailed ? "error" : "internal error", e.what());
  return status;
}

namespace {

// Under `mpirun --enable-recovery` (which keeps a job alive when a worker
// rank dies), mpirun exits 0 whatever its ranks' statuses; scripts/mpirun.sh
// names a file in HSGD_EXIT_STATUS_FILE where rank 0 leaves its status, and
// exits with it.
void leave_exit_status(const Runtime& runtime, int status) {
  const char* path = std::getenv("HSGD_EXIT_STATUS_FILE");
  if (path == nullptr || *path == '\0' || !runtime.writes_results()) return;
  if (FILE* f = std::fopen(path, "w")) {
    std::fprintf(f, "%d\n", status);
    std::fclose(f);
  }
}

}  // namespace

int run_or_abandon(Runtime& runtime, const std::function<int()>& body) {
  try {
    const int status = body();
    leave_exit_status(runtime, status);
    runtime.ending(status);
    return status;
  } catch (const std::exception& e) {
    const int status = report_failure(e);
    std::fflush(stderr);
    leave_exit_status(runtime, status);
    runtime.abandon(status);
    return status;
  }
}

int machine_cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

void print_outcome(const RunResult& r, const TrainConfig& config) {
  if (r.status != RunStatus::kFinished) std::fprintf(stderr, "hsgd: run %s: %s\n", name_of(r.status), r.stop_reason.c_str());
  if (!r.rows.empty()) {
    const MetricsRow& f = r.final_row();
    std::printf("final test accuracy %.2f%%, test loss %.4f after %.1fs of training: %.2f epochs, %llu gradients, "
                "%llu updates, %.0f samples/s\n",
                100 * f.test_accuracy, f.test_loss, r.train_seconds, f.epoch, (unsigned long long)f.gradients,
                (unsigned long long)f.updates, f.samples / std::max(r.train_seconds, 1e-9));
    std::printf("averaged over the run: test accuracy %.2f%%, test loss %.4f, train loss %.4f\n",
                100 * r.mean_test_accuracy(), r.mean_test_loss(), r.mean_train_loss());
  }
  if (config.eval.target_accuracy > 0) {
    if (r.target_reached_seconds >= 0)
      std::printf("target %.2f%% reached after %.1fs of training\n", 100 * config.eval.target_accuracy,
                  r.target_reached_seconds);
    else
      std::printf("target %.2f%% NOT reached\n", 100 * config.eval.target_accuracy);
  }
  std::printf("results: %s/ (metrics.csv, summary.json, config.toml): %s\n", config.out_dir.c_str(), name_of(r.status));
}

namespace {

// `resume`: the run to continue (hsgd train --resume), or nullptr for a new run.
int train_with(Runtime& runtime, const OptionTable& table, TrainConfig& config,
               const RunFolder::Resumable* resume) {
  Session session(runtime, session_models());
  // A resumed MPI run takes its worker count from mpirun (it may differ).
  const bool workers_given = table.given("workers") && !(resume != nullptr && runtime.traits().fresh_workers_on_resume);
  session.prepare(config, workers_given, machine_cores());
  if (session.serves()) {  // an MPI worker rank
    session.serve({config});
    return 0;
  }
  std::optional<CheckpointFile> checkpoint;
  std::unique_ptr<RunFolder> folder;
  if (resume != nullptr) {
    // The data first: the checkpoint's size is bounded by the model built for it.
    std::fprintf(stderr, "hsgd: %s\n", compute_backend_summary().c_str());
    session.load_data(config);
    checkpoint = read_run_checkpoint(resume->current, config, session.num_params());
    folder = std::make_unique<RunFolder>(*resume, RunFolder::ResumeTag{});
    std::fprintf(stderr, "hsgd: resuming %s from its checkpoint at t = %.2f s\n", resume->out.c_str(),
                 checkpoint_time(*checkpoint));
  } else {
    folder = session.open_folder(config, "train");
    std::fprintf(stderr, "hsgd: %s\n", compute_backend_summary().c_str());
    session.load_data(config, folder.get());
  }
  session.print_data_summary();
  std::fprintf(stderr, "hsgd: model %s, runtime %s, %d worker(s), mode %s; results in %s\n", config.model.c_str(),
               name_of(config.runtime), config.workers(), name_of(config.ps.mode), config.out_dir.c_str());
  const RunResult result = session.run(config, *folder, "train", checkpoint ? &*checkpoint : nullptr);
  print_outcome(result, config);
  return exit_status(result, config);
}

int run_train(const OptionTable& table, TrainConfig& config) {
  const auto runtime = make_runtime(config.runtime);
  return run_or_abandon(*runtime, [&] { return train_with(*runtime, table, config, nullptr); });
}

// hsgd train --resume DIR: the run's own config.toml, the budgets given now.
int run_resume(OptionTable& table, TrainConfig& config, const std::string& dir) {
  const RunFolder::Resumable run = RunFolder::find_resumable(dir);
  table.resume_from(run.current + "/config.toml");
  table.apply();
  config.out_dir = run.out;
  config.overwrite = false;
  const auto runtime = make_runtime(config.runtime);
  if (!runtime->traits().checkpoints)
    throw ConfigError("--resume " + dir + ": a --runtime " + name_of(config.runtime) +
                      " run has no checkpoints to resume from");
  return run_or_abandon(*runtime, [&] { return train_with(*runtime, table, config, &run); });
}

}  // namespace

Command add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "train a model and record test accuracy over time");
  auto config = std::make_shared<TrainConfig>();
  auto table = std::make_shared<OptionTable>(cmd, *config, /*with_mode=*/true);
  auto resume = std::make_shared<std::string>();
  cmd->add_option("--resume", *resume,
                  "RUN: continue the run in folder RUN (or RUN.partial) from its last checkpoint (--checkpoint-every), "
                  "in that folder and with its options; --seconds, --updates, --gradients, --epochs, "
                  "--target-accuracy, --data-root and --checkpoint-every may be given (e.g. a longer budget)")
      ->type_name("RUN")
      ->group("Output");
  return {cmd,
          [config, table, resume] {
            if (!resume->empty()) return run_resume(*table, *config, *resume);
            table->apply();
            return run_train(*table, *config);
          },
          config};
}

}  // namespace hsgd::cli
