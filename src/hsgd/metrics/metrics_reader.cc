// metrics_reader.cc: see metrics_reader.h.
#include "hsgd/metrics/metrics_reader.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/common/text_file.h"

namespace hsgd {
namespace {

// Field i of a CSV line, as written.
std::string field_text(const std::string& line, size_t i) {
  std::stringstream fields(line);
  std::string f;
  for (size_t k = 0; k <= i; ++k) std::getline(fields, f, ',');
  return "'" + f + "'";
}

std::string max_text(double max) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", max);
  return buf;
}

}  // namespace

std::vector<MetricsRow> read_metrics_csv(const std::string& path) {
  return parse_metrics_csv(read_bounded_text_file(path, kMaxMetricsFileBytes, "the run's metrics"), path);
}

std::vector<MetricsRow> parse_metrics_csv(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  const auto& columns = metrics_columns();
  std::string expected_header;
  for (const auto& c : columns) expected_header += (expected_header.empty() ? "" : ",") + c;
  std::string line;
  if (!std::getline(in, line)) throw DataError(path, "empty file: no header");
  if (line != expected_header) throw DataError(path, "line 1: header '" + line + "' is not '" + expected_header + "'");
  std::vector<MetricsRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<double> v;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) {
      char* end = nullptr;
      const double x = std::strtod(f.c_str(), &end);
      if (f.empty() || *end != '\0')
        throw DataError(path, "line " + std::to_string(number) + ": '" + f + "' is not a number");
      v.push_back(x);
    }
    if (v.size() != columns.size())
      throw DataError(path, "line " + std::to_string(number) + ": " + std::to_string(v.size()) + " fields, expected " +
                                std::to_string(columns.size()));
    // Counts must be whole numbers the row's integer fields hold: converting
    // NaN, a negative or a too-large double to an integer is undefined.
    const auto count = [&](size_t i, double max) {
      if (!(v[i] >= 0 && v[i] <= max && v[i] == std::floor(v[i])))
        throw DataError(path, "line " + std::to_string(number) + ": " + columns[i] + " = " + field_text(line, i) +
                                  " is not a whole number in [0, " + max_text(max) + "]");
      return v[i];
    };
    constexpr double kMaxCount = 18446744073709549568.0;  // the largest double below 2^64
    MetricsRow r;
    r.time_s = v[0];
    r.gradients = static_cast<uint64_t>(count(1, kMaxCount));
    r.updates = static_cast<uint64_t>(count(2, kMaxCount));
    r.k = static_cast<int>(count(3, std::numeric_limits<int>::max()));
    r.staleness_mean = v[4];
    r.staleness_max = static_cast<uint64_t>(count(5, kMaxCount));
    r.dropped = static_cast<uint64_t>(count(6, kMaxCount));
    r.samples = static_cast<uint64_t>(count(7, kMaxCount));
    r.epoch = v[8];
    r.train_loss = v[9];
    r.test_loss = v[10];
    r.test_accuracy = v[11];
    rows.push_back(r);
  }
  if (rows.empty()) throw DataError(path, "no rows: the run recorded no evaluation");
  return rows;
}

}  // namespace hsgd
