// run_metrics.cc
#include "hsgd/metrics/run_metrics.h"

#include <cmath>

namespace hsgd {

const std::vector<std::string>& metrics_columns() {
  static const std::vector<std::string> columns = {
      "time_s", "gradients", "updates",  "k",          "staleness_mean", "staleness_max",
      "dropped", "samples", "epoch",   "train_loss", "test_loss", "test_accuracy"};
  return columns;
}

void MetricsFile::write(const MetricsRow& r) {
  using C = CsvWriter;
  csv_.row({C::num(r.time_s), C::num((long long)r.gradients), C::num((long long)r.updates),
            C::num((long long)r.k), C::num(r.staleness_mean), C::num((long long)r.staleness_max),
            C::num((long long)r.dropped), C::num((long long)r.samples), C::num(r.epoch), C::num(r.train_loss),
            C::num(r.test_loss), C::num(r.test_accuracy)});
}

namespace {
template <typename F>
double mean_of(const std::vector<MetricsRow>& rows, F field) {
  double sum = 0;
  int n = 0;
  for (const auto& r : rows) {
    const double v = field(r);
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  return n ? sum / n : NAN;
}
}  // namespace

double RunResult::mean_test_accuracy() const { return mean_of(rows, [](const MetricsRow& r) { return r.test_accuracy; }); }
double RunResult::mean_test_loss() const { return mean_of(rows, [](const MetricsRow& r) { return r.test_loss; }); }
double RunResult::mean_train_loss() const { return mean_of(rows, [](const MetricsRow& r) { return r.train_loss; }); }

}  // namespace hsgd

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"

namespace hsgd {

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

void to_json(nlohmann::json& j, const RunResult& r) {
  j = {{"status", name_of(r.status)},
       {"stop_reason", r.stop_reason},
       {"final", nullptr},
       {"run_average",
        {{"test_accuracy", finite_or_null(r.mean_test_accuracy())},
         {"test_loss", finite_or_null(r.mean_test_loss())},
         {"train_loss", finite_or_null(r.mean_train_loss())}}},
       {"snapshots_not_evaluated", r.snapshots_not_evaluated},
       {"train_seconds", r.train_seconds},
       {"wall_seconds", r.wall_seconds},
       {"samples_per_second", 0.0},
       {"target_reached_seconds", r.target_reached_seconds},
       {"target_reached_wall_seconds", r.target_reached_wall_seconds}};
  if (r.rows.empty()) return;  // failed before the first evaluation
  const MetricsRow& f = r.final_row();
  j["final"] = {{"time_s", f.time_s},
                {"test_accuracy", finite_or_null(f.test_accuracy)},
                {"test_loss", finite_or_null(f.test_loss)},
                {"train_loss", finite_or_null(f.train_loss)},
                {"gradients", f.gradients},
                {"updates", f.updates},
                {"samples", f.samples},
                {"epoch", f.epoch},
                {"dropped", f.dropped}};
  j["samples_per_second"] = r.train_seconds > 0 ? f.samples / r.train_seconds : 0.0;
}

// Written whole or not at all (a full disk leaves the previous file, or
// none, never a cut one that a reader would choke on).
void write_json_file(const std::string& path, const nlohmann::json& summary) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << summary.dump(2) << '\n';
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(path + ": cannot write (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot write (rename failed)");
  }
}

}  // namespace hsgd
