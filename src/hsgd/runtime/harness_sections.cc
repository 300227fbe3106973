// harness_sections.cc: see harness_sections.h.
#include "hsgd/runtime/harness_sections.h"

#include <algorithm>
#include <cstdint>

#include "hsgd/common/error.h"
#include "hsgd/config/option_list.h"

namespace hsgd {
namespace {

// Options added to hsgd after a checkpoint was written (--ssp-bound, --k, ...)
// are absent from its meta/config: at their default value they mean what the
// older run did, so they count as equal.
void add_newer_options_at_default(nlohmann::json& saved, const nlohmann::json& now) {
  const nlohmann::json defaults = checkpoint_meaning(TrainConfig{}, false);
  for (const auto& [key, value] : now.items())
    if (!saved.contains(key) && defaults.contains(key) && defaults[key] == value) saved[key] = value;
}

// The first option whose value differs, as "--name (A in the checkpoint, B now)".
std::string first_difference(const nlohmann::json& saved, const nlohmann::json& now) {
  for (const auto& [key, value] : now.items()) {
    const auto it = saved.find(key);
    if (it == saved.end() || *it != value) {
      std::string name = key;
      std::replace(name.begin(), name.end(), '_', '-');
      return "--" + name + " (" + (it == saved.end() ? std::string("absent") : it->dump()) + " in the checkpoint, " +
             value.dump() + " now)";
    }
  }
  return "an option this hsgd does not know";
}

// An option's value is a scalar or an array of scalars: anything nested
// deeper is no configuration hsgd wrote (and printing it could recurse
// without bound).
bool flat_value(const nlohmann::json& v) {
  if (!v.is_array()) return !v.is_object();
  return std::none_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_array() || e.is_object(); });
}

}  // namespace

nlohmann::json checkpoint_meaning(const TrainConfig& config, bool fresh_workers_on_resume) {
  const nlohmann::json all = config;
  nlohmann::json j;
  for (const auto& [key, value] : all.items()) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    if (!is_resumable_option(name) && !is_location_option(name)) j[key] = value;
  }
  if (fresh_workers_on_resume) j.erase("workers");
  return j;
}

void check_checkpoint_config(const CheckpointFile& file, const nlohmann::json& now) {
  const std::string where = file.where();
  if (file.get("meta/kind") != kCheckpointKind) throw CheckpointError(where + ": not a checkpoint of an hsgd run");
  if (file.get("meta/config").size() > (1u << 20))
    throw CheckpointError(where + ": its configuration (meta/config) is larger than 1 MiB");
  nlohmann::json saved = nlohmann::json::parse(file.get("meta/config"), nullptr, /*allow_exceptions=*/false);
  if (!saved.is_object()) throw CheckpointError(where + ": its configuration (meta/config) is not a JSON object");
  for (const auto& [key, value] : saved.items())
    if (!flat_value(value))
      throw CheckpointError(where + ": its configuration (meta/config) holds a nested value, which no option has");
  add_newer_options_at_default(saved, now);
  if (saved != now)
    throw ConfigError(where + ": this run's options differ from the checkpoint's: " + first_difference(saved, now) +
                      "; a resumed run keeps every option but the budgets, --target-accuracy, --data-root and "
                      "--checkpoint-every");
}

double checkpoint_time(const CheckpointFile& file) {
  const double t = file.f64s("meta/time", 1)[0];
  if (!(t >= 0 && t < 1e9))  // 1e9 s (31 years): its nanoseconds fit an int64
    throw CheckpointError(file.where() + ": section 'meta/time': " + std::to_string(t) +
                          " is no training time (expected a finite number of seconds >= 0)");
  return t;
}

HarnessSections read_harness_sections(const CheckpointFile& file) {
  const std::string& where = file.where();
  HarnessSections out;
  const size_t rows = file.count8("harness/rows_f64") / kRowDoubles;
  const std::vector<double> doubles = file.f64s("harness/rows_f64", rows * kRowDoubles);
  const std::vector<uint64_t> counts = file.u64s("harness/rows_u64", rows * kRowCounts);
  out.state = file.f64s("harness/state", harness_slot::kStateSlots);
  out.counters = file.u64s("harness/counters", harness_slot::kCounterSlots);
  out.delays = file.u64s("harness/delays", file.count8("harness/delays"));
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
    out.rows.push_back(r);
  }
  return out;
}

void restore_sampler_states(const CheckpointFile& file, const std::string& section,
                            const std::vector<SamplerOfWorker>& samplers) {
  size_t total = 0;
  for (const SamplerOfWorker& s : samplers) total += s.sampler->state_words();
  const std::vector<uint64_t> words = file.u64s(section, total);
  std::vector<BatchSampler> restored;
  size_t at = 0;
  for (const SamplerOfWorker& s : samplers) {
    restored.push_back(*s.sampler);
    if (const std::string why = restored.back().restore_state(words.data() + at); !why.empty())
      throw CheckpointError(file.where() + ": section '" + section + "': worker " + std::to_string(s.worker) + ": " +
                            why);
    at += s.sampler->state_words();
  }
  for (size_t i = 0; i < samplers.size(); ++i) *samplers[i].sampler = std::move(restored[i]);
}

}  // namespace hsgd
