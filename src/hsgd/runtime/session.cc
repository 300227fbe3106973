// session.cc: see session.h.
#include "hsgd/runtime/session.h"

#include <ctime>
#include <filesystem>

#include "hsgd/common/error.h"

namespace hsgd {

Session::Session(Runtime& runtime, SessionModels models, std::FILE* log)
    : runtime_(runtime), models_(std::move(models)), log_(log) {
  HSGD_CHECK(models_.factory_for != nullptr, "a session needs a model factory");
}

void Session::prepare(TrainConfig& config, bool workers_given, int cores) {
  prepare_settings(config, workers_given, cores);
  prepare_model(config);
}

void Session::prepare_settings(TrainConfig& config, bool workers_given, int cores) {
  prepare_config(runtime_, config, workers_given, cores);
}

void Session::prepare_model(const TrainConfig& config) {
  check_model(runtime_, config, models_.factory_for(config, nullptr));  // the name, and memory at the catalog's shapes
  models_.set_compute_threads(config.threads);
}

void Session::serve(const std::vector<TrainConfig>& configs) {
  HSGD_CHECK(!configs.empty(), "nothing to serve");
  const Dataset data = runtime_.load_data(configs.front());
  const ModelFactory factory = models_.factory_for(configs.front(), &data);
  for (const TrainConfig& config : configs) runtime_.serve(config, data, factory);
}

std::unique_ptr<RunFolder> Session::open_folder(TrainConfig& config, const std::string& prefix) {
  if (config.out_dir.empty()) config.out_dir = default_out_dir(prefix);
  return std::make_unique<RunFolder>(config.out_dir, config.overwrite);
}

const Dataset& Session::load_data(const TrainConfig& config, RunFolder* folder) {
  try {
    const Stopwatch clock;
    owned_data_ = runtime_.load_data(config);
    data_ = &*owned_data_;
    load_seconds_ = clock.seconds();
    check_data(config);
  } catch (...) {
    if (folder != nullptr) folder->discard();  // the run never started: leave nothing behind
    throw;
  }
  return *data_;
}

const Dataset& Session::use_data(const Dataset& data) {
  data_ = &data;
  factory_ = nullptr;  // checked by run_in_dir
  return *data_;
}

// The model built once for the data: the workers' copies in memory, its fit, its size.
void Session::check_data(const TrainConfig& config) {
  factory_ = models_.factory_for(config, data_);
  const auto model = factory_(config.seed);
  num_params_ = model->num_params();
  check_model_memory(runtime_, config, num_params_);
  check_model_fits_data(*model, *data_);
}

void Session::print_data_summary() const {
  const Dataset& data = *data_;
  std::fprintf(log_, "hsgd: data %s: %zu train + %zu test images of %s, %s (%.1fs)\n", data.name.c_str(),
               data.train.size(), data.test.size(), data.train.shape.to_string().c_str(),
               describe_classes(data).c_str(), load_seconds_);
  for (const auto& note : data.notes) std::fprintf(log_, "hsgd: data: %s\n", note.c_str());
}

RunResult Session::run(const TrainConfig& config, RunFolder& folder, const std::string& command,
                       const CheckpointFile* resume) {
  HSGD_CHECK(data_ != nullptr, "run() before the data is loaded");
  return run_training(runtime_, config, *data_, factory_, folder, command, log_, resume);
}

RunResult Session::run_in_dir(const TrainConfig& config, const std::string& dir, const CheckpointFile* resume) {
  HSGD_CHECK(data_ != nullptr, "run_in_dir() before the data is given");
  if (!factory_) {  // data given (use_data): its checks fail as the run would, with a summary
    try {
      check_data(config);
    } catch (const std::exception& e) {
      write_failed_summary(dir, config, e.what());
      throw;
    }
  }
  return run_in_folder(runtime_, config, *data_, factory_, dir, log_, resume);
}

std::string default_out_dir(const std::string& prefix) {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
  const std::string base = "runs/" + prefix + "-" + buf;
  std::string dir = base;
  for (int i = 2; std::filesystem::exists(dir) || std::filesystem::exists(dir + ".partial"); ++i)
    dir = base + "-" + std::to_string(i);
  return dir;
}

}  // namespace hsgd
