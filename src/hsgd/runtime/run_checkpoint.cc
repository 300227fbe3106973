// run_checkpoint.cc: the harness's part of a checkpoint (run_harness.h):
// what every runtime shares. A checkpoint holds, as sections of a
// CheckpointFile (common/checkpoint_file.h):
//   meta/kind         "hsgd run checkpoint"
//   meta/config       the options that give the run its meaning, as JSON: a
//                     resumed run must have the same (budgets may differ)
//   meta/time         training time of the checkpoint (seconds)
//   ps/...            the parameter server (ParameterServer::save_state); with
//                     --servers S > 1, ps/shard<s>: each shard's, whole (ShardedServer)
//   harness/...       rows so far, worker progress, evaluation counters,
//                     the delay streams
//   sim/... etc.      the runtime's own state (sim_checkpoint.cc)
#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/config/option_list.h"
#include "hsgd/config/train_config.h"
#include "hsgd/runtime/run_harness.h"

namespace hsgd {
namespace {

constexpr const char* kKind = "hsgd run checkpoint";
// Per row: time_s, staleness_mean, epoch, train_loss, test_loss, test_accuracy ...
constexpr size_t kRowDoubles = 6;
// ... and gradients, updates, k, staleness_max, dropped, samples.
constexpr size_t kRowCounts = 6;
// The slots of "harness/state" (doubles) and "harness/counters".
enum StateSlot : size_t { kLastSnapshot, kPaused, kTargetReached, kLossSum, kLastWindowLoss, kStateSlots };
enum CounterSlot : size_t { kSamples, kLossCount, kPoints, kMostUnfinished, kEvaluatedDuring, kCounterSlots };

// The options that give a run its meaning (config/option_list.h), under
// their JSON keys (dashes become underscores).
nlohmann::json meaning_of(const TrainConfig& config, bool fresh_workers_on_resume) {
  const nlohmann::json all = config;
  nlohmann::json j;
  for (const auto& [key, value] : all.items()) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    if (!is_resumable_option(name) && !is_location_option(name)) j[key] = value;
  }
  if (fresh_workers_on_resume) j.erase("workers");  // a resumed MPI run may have other ranks
  return j;
}

// Options added to hsgd after a checkpoint was written (--ssp-bound, --k, ...)
// are absent from its meta/config: at their default value they mean what the
// older run did, so they count as equal.
void add_newer_options_at_default(nlohmann::json& saved, const nlohmann::json& now) {
  const nlohmann::json defaults = meaning_of(TrainConfig{}, false);
  for (const auto& [key, value] : now.items())
    if (!saved.contains(key) && defaults.contains(key) && defaults[key] == value) saved[key] = value;
}

// The first option whose value differs, as "--name (A in the checkpoint, B now)".
std::string first_difference(const nlohmann::json& saved, const nlohmann::json& now) {
  for (const auto& [key, value] : now.items()) {
    const auto it = saved.find(key);
    if (it == saved.end() || *it != value) {
      std::string name = key;
      for (char& c : name)
        if (c == '_') c = '-';
      return "--" + name + " (" + (it == saved.end() ? std::string("absent") : it->dump()) + " in the checkpoint, " +
             value.dump() + " now)";
    }
  }
  return "an option this hsgd does not know";
}

}  // namespace

void RunHarness::save_checkpoint(double t, const std::function<void(CheckpointFile&)>& add_runtime_state) {
  evaluator_->wait_until_unfinished_at_most(0, [] { return false; });  // every row so far is in it
  CheckpointFile file;
  file.set("meta/kind", kKind);
  file.set("meta/config", meaning_of(config_, traits_.fresh_workers_on_resume).dump());
  file.set_f64s("meta/time", {t});
  servers_->save_state(file);
  std::vector<double> doubles;
  std::vector<uint64_t> counts;
  for (const MetricsRow& r : result_.rows) {
    doubles.insert(doubles.end(), {r.time_s, r.staleness_mean, r.epoch, r.train_loss, r.test_loss, r.test_accuracy});
    counts.insert(counts.end(), {r.gradients, r.updates, static_cast<uint64_t>(r.k), r.staleness_max, r.dropped,
                                 r.samples});
  }
  file.set_f64s("harness/rows_f64", doubles);
  file.set_u64s("harness/rows_u64", counts);
  std::vector<double> state(kStateSlots);
  state[kLastSnapshot] = last_snapshot_time_;
  state[kPaused] = paused_seconds_;
  state[kTargetReached] = result_.target_reached_seconds;
  state[kLossSum] = progress_.loss_sum;
  state[kLastWindowLoss] = progress_.last_window_loss;
  file.set_f64s("harness/state", state);
  std::vector<uint64_t> counters(kCounterSlots);
  counters[kSamples] = progress_.samples;
  counters[kLossCount] = progress_.loss_count;
  counters[kPoints] = points_;
  counters[kMostUnfinished] = most_unfinished_;
  counters[kEvaluatedDuring] = evaluated_during_training_.load();
  file.set_u64s("harness/counters", counters);
  file.set_u64s("harness/delays", delays_.save_state());
  add_runtime_state(file);
  file.write_atomically(dir_ + "/checkpoint.bin");
}

void RunHarness::restore_checkpoint(const CheckpointFile& file) {
  const std::string where = file.where();
  if (file.get("meta/kind") != kKind) throw CheckpointError(where + ": not a checkpoint of an hsgd run");
  if (file.get("meta/config").size() > (1u << 20))
    throw CheckpointError(where + ": its configuration (meta/config) is larger than 1 MiB");
  nlohmann::json saved = nlohmann::json::parse(file.get("meta/config"), nullptr, /*allow_exceptions=*/false);
  if (!saved.is_object()) throw CheckpointError(where + ": its configuration (meta/config) is not a JSON object");
  const nlohmann::json now = meaning_of(config_, traits_.fresh_workers_on_resume);
  add_newer_options_at_default(saved, now);
  if (saved != now)
    throw ConfigError(where + ": this run's options differ from the checkpoint's: " + first_difference(saved, now) +
                      "; a resumed run keeps every option but the budgets, --target-accuracy, --data-root and "
                      "--checkpoint-every");
  // MPI's worker ranks of a resumed run are new processes (maybe another
  // number of them) that draw their own delays: they start afresh.
  const bool fresh_workers = traits_.fresh_workers_on_resume;
  servers_->restore_state(file, fresh_workers);
  const size_t rows = file.count8("harness/rows_f64") / kRowDoubles;
  const std::vector<double> doubles = file.f64s("harness/rows_f64", rows * kRowDoubles);
  const std::vector<uint64_t> counts = file.u64s("harness/rows_u64", rows * kRowCounts);
  const std::vector<double> state = file.f64s("harness/state", kStateSlots);
  const std::vector<uint64_t> counters = file.u64s("harness/counters", kCounterSlots);
  const std::vector<uint64_t> delays = file.u64s("harness/delays", file.count8("harness/delays"));
  if (const std::string bad = fresh_workers ? "" : delays_.restore_state(delays); !bad.empty())
    throw CheckpointError(where + ": section 'harness/delays': " + bad);
  for (size_t i = 0; i < rows; ++i) {
    const double* d = &doubles[i * kRowDoubles];
    const uint64_t* c = &counts[i * kRowCounts];
    MetricsRow r;
    r.time_s = d[0], r.staleness_mean = d[1], r.epoch = d[2], r.train_loss = d[3], r.test_loss = d[4];
    r.test_accuracy = d[5];
    r.gradients = c[0], r.updates = c[1], r.staleness_max = c[3], r.dropped = c[4], r.samples = c[5];
    if (c[2] > static_cast<uint64_t>(INT32_MAX))
      throw CheckpointError(where + ": row " + std::to_string(i) + " has K = " + std::to_string(c[2]));
    r.k = static_cast<int>(c[2]);
    metrics_.write(r);
    result_.rows.push_back(r);
  }
  last_snapshot_time_ = state[kLastSnapshot];
  paused_seconds_ = state[kPaused];
  result_.target_reached_seconds = state[kTargetReached];
  progress_.loss_sum = state[kLossSum];
  progress_.last_window_loss = state[kLastWindowLoss];
  progress_.samples = counters[kSamples];
  progress_.loss_count = counters[kLossCount];
  points_ = counters[kPoints];
  most_unfinished_ = counters[kMostUnfinished];
  evaluated_during_training_ = counters[kEvaluatedDuring];
}

double checkpoint_time(const CheckpointFile& file) { return file.f64s("meta/time", 1)[0]; }

void save_samplers(CheckpointFile& file, const std::string& section,
                   const std::vector<std::unique_ptr<GradientWorker>>& workers) {
  std::vector<uint64_t> words;
  for (const auto& worker : workers) {
    const BatchSampler& sampler = worker->sampler();
    words.resize(words.size() + sampler.state_words());
    sampler.save_state(words.data() + words.size() - sampler.state_words());
  }
  file.set_u64s(section, words);
}

void restore_samplers(const CheckpointFile& file, const std::string& section,
                      const std::vector<std::unique_ptr<GradientWorker>>& workers) {
  size_t total = 0;
  for (const auto& worker : workers) total += worker->sampler().state_words();
  const std::vector<uint64_t> words = file.u64s(section, total);
  size_t at = 0;
  for (const auto& worker : workers) {
    BatchSampler& sampler = worker->sampler();
    if (const std::string why = sampler.restore_state(words.data() + at); !why.empty())
      throw CheckpointError(file.where() + ": section '" + section + "': worker " + std::to_string(worker->id()) +
                            ": " + why);
    at += sampler.state_words();
  }
}

}  // namespace hsgd
