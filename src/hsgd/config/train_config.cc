// train_config.cc: range checks, the checks between options, and the JSON
// form of TrainConfig; all of them walk option_list.h.
#include "hsgd/config/train_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "hsgd/common/error.h"
#include "hsgd/config/option_list.h"

namespace hsgd {
namespace {

std::string fmt_bound(double v) {
  char buf[40];
  if (std::fabs(v) < 1e15 && v == std::floor(v))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string fmt_value(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Checks every number against its range.
struct RangeChecker {
  void out_of_range(const std::string& name, const std::string& value, const Range& r) {
    throw ConfigError("--" + name + " = " + value + " is out of range: must be " + r.text());
  }
  void number(const std::string& name, double v, const Range& r, const std::string&) {
    if (!r.contains(v)) out_of_range(name, fmt_value(v), r);
  }
  template <typename Int>
  void integer(const std::string& name, Int v, const Range& r, const std::string&) {
    if (!r.contains(static_cast<double>(v))) out_of_range(name, std::to_string(v), r);
  }
  void numbers(const std::string& name, const std::vector<double>& values, const Range& r, const std::string&) {
    for (double v : values)
      if (!r.contains(v)) out_of_range(name, "... " + fmt_value(v) + " ...", r);
  }
  void text(const std::string&, const std::string&, const std::string&) {}
  template <typename E>
  void choice(const std::string&, E, const std::string&) {}
  void flag(const std::string&, bool, const std::string&) {}
};

std::string json_key(const std::string& name) {
  std::string key = name;
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

struct JsonWriter {
  nlohmann::json& j;
  void text(const std::string& name, const std::string& v, const std::string&) { j[json_key(name)] = v; }
  template <typename E>
  void choice(const std::string& name, E v, const std::string&) {
    j[json_key(name)] = name_of(v);
  }
  void number(const std::string& name, double v, const Range&, const std::string&) { j[json_key(name)] = v; }
  template <typename Int>
  void integer(const std::string& name, Int v, const Range&, const std::string&) {
    j[json_key(name)] = v;
  }
  void numbers(const std::string& name, const std::vector<double>& v, const Range&, const std::string&) {
    j[json_key(name)] = v;
  }
  void flag(const std::string& name, bool v, const std::string&) { j[json_key(name)] = v; }
};

// --ssp-bound belongs to ssp, --k to k-sync and k-batch-async: each is
// needed there and refused elsewhere. --gba-tolerance (optional) belongs to gba.
void check_mode_options(const TrainConfig& c) {
  const Mode mode = c.ps.mode;
  if (mode == Mode::kSsp && c.ps.ssp_bound < 0)
    throw ConfigError("--mode ssp needs --ssp-bound s (in [0, 1000000]: how many clocks a worker may run ahead)");
  if (mode != Mode::kSsp && c.ps.ssp_bound >= 0)
    throw ConfigError("--ssp-bound " + std::to_string(c.ps.ssp_bound) + " needs --mode ssp (now " + name_of(mode) +
                      ")");
  const bool k_mode = mode == Mode::kKSync || mode == Mode::kKBatchAsync;
  if (k_mode && c.ps.k < 1)
    throw ConfigError(std::string("--mode ") + name_of(mode) + " needs --k K (gradients per update, at least 1)");
  if (!k_mode && c.ps.k > 0)
    throw ConfigError("--k " + std::to_string(c.ps.k) + " needs --mode k-sync or k-batch-async (now " +
                      name_of(mode) + "; hybrid takes --schedule constant:K)");
  if (mode != Mode::kGba && c.ps.gba_tolerance >= 0)
    throw ConfigError("--gba-tolerance " + std::to_string(c.ps.gba_tolerance) + " needs --mode gba (now " +
                      name_of(mode) + ")");
  if (mode == Mode::kKSync && c.ps.k > c.workers())
    throw ConfigError("--k " + std::to_string(c.ps.k) + " > --workers " + std::to_string(c.workers()) +
                      " can never be filled by k-sync (each worker waits with one gradient); use k-batch-async");
}

void check_between_options(const TrainConfig& c) {
  if (c.ps.sgd.nesterov && c.ps.sgd.momentum == 0) throw ConfigError("--nesterov needs --momentum > 0");
  if (!c.budget.any())
    throw ConfigError("no training budget: give --epochs, --seconds, --updates or --gradients");
  if (c.ps.backup_workers > 0 && c.ps.mode != Mode::kSync)
    throw ConfigError("--backup-workers " + std::to_string(c.ps.backup_workers) + " needs --mode sync (now " +
                      name_of(c.ps.mode) + ")");
  if (c.ps.backup_workers >= c.workers())
    throw ConfigError("--backup-workers " + std::to_string(c.ps.backup_workers) + " must be below --workers " +
                      std::to_string(c.workers()) + ": a round needs at least one gradient");
  check_mode_options(c);
  if (c.runtime == RuntimeKind::kSim && c.server_cost.any())
    throw ConfigError("--server-gradient-ms and --server-update-ms are the real runtimes' server costs; the "
                      "simulator's are --sim-ps-gradient-ms and --sim-ps-update-ms");
  if (c.servers > 1 && (c.sim.dispatch_ms > 0 || c.sim.has_driver_eval()))
    throw ConfigError("--servers " + std::to_string(c.servers) +
                      " models no driver in front of the shards: --sim-dispatch-ms and --sim-driver-eval-* need "
                      "--servers 1");
  if (c.budget.seconds > 0 && c.budget.seconds / c.eval.every_seconds > 1e6)
    throw ConfigError("--eval-every = " + fmt_value(c.eval.every_seconds) + " with --seconds = " +
                      fmt_value(c.budget.seconds) + " makes more than 1000000 evaluations; evaluate less often");
}

}  // namespace

std::string Range::text() const {
  std::string s = std::string("in ") + (lo_open ? "(" : "[") + fmt_bound(lo) + ", " + fmt_bound(hi) + (hi_open ? ")" : "]");
  if (special != nullptr) s += std::string("; ") + special;
  return s;
}

double Budget::fraction(double seconds_done, uint64_t updates_done, uint64_t gradients_done, double epochs_done) const {
  double f = 0;
  if (seconds > 0) f = std::max(f, seconds_done / seconds);
  if (updates > 0) f = std::max(f, static_cast<double>(updates_done) / static_cast<double>(updates));
  if (gradients > 0) f = std::max(f, static_cast<double>(gradients_done) / static_cast<double>(gradients));
  if (epochs > 0) f = std::max(f, epochs_done / epochs);
  return f;
}

void TrainConfig::validate() {
  RangeChecker ranges;
  visit_train_options(std::as_const(*this), ranges);
  check_between_options(*this);
  if (ps.mode == Mode::kHybrid)
    ps.schedule = parse_k_schedule(schedule, ps.sgd.lr, ps.num_workers);
  else if (ps.mode == Mode::kKSync || ps.mode == Mode::kKBatchAsync)
    ps.schedule = constant_schedule(ps.k);  // Dutta et al.'s names for hybrid with a constant K
  else if (ps.mode == Mode::kGba)
    ps.schedule = constant_schedule(ps.num_workers);  // the synchronous global batch: one gradient per worker
  else
    ps.schedule = nullptr;
  if (ps.schedule && ps.waits_for_apply() && ps.schedule->max_k() > ps.num_workers)
    throw ConfigError("--schedule " + schedule + " reaches K = " + std::to_string(ps.schedule->max_k()) + " > " +
                      std::to_string(ps.num_workers) + " workers, which --wait applied can never fill (each " +
                      "worker waits with one gradient); use --wait none or K <= workers");
  check_dataset_spec(data);  // its syntax only: no file is read
}

int TrainConfig::threads_per_worker(int cores, bool concurrent_workers) const {
  if (threads > 0) return threads;
  const int w = concurrent_workers ? std::max(1, workers()) : 1;
  return std::max(1, cores / w);
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json::object();
  JsonWriter writer{j};
  visit_train_options(c, writer);
}

}  // namespace hsgd
