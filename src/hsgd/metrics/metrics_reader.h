// metrics_reader.h: reads a run's metrics.csv back (the experiment report
// computes every table from these files).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hsgd/metrics/run_metrics.h"

namespace hsgd {

// A metrics.csv larger than this is refused (a 100 s run evaluated every
// 0.1 s writes under 100 KB).
constexpr size_t kMaxMetricsFileBytes = size_t{64} << 20;

// The rows of a metrics.csv written by MetricsFile. Throws DataError naming
// the file and line when the header differs, a row has the wrong number of
// fields or a field is not a number ("nan" is one), and naming the file when it
// is missing, not a regular file or larger than kMaxMetricsFileBytes.
std::vector<MetricsRow> read_metrics_csv(const std::string& path);
// The same checks on a metrics.csv's text; `where` names it in messages.
std::vector<MetricsRow> parse_metrics_csv(const std::string& text, const std::string& where);

}  // namespace hsgd
