// metrics_reader.h: reads a run's metrics.csv back (the experiment report
// computes every table from these files).
#pragma once

#include <string>
#include <vector>

#include "hsgd/metrics/run_metrics.h"

namespace hsgd {

// The rows of a metrics.csv written by MetricsFile. Throws DataError naming
// the file and line when the header differs, a row has the wrong number of
// fields or a field is not a number ("nan" is one).
std::vector<MetricsRow> read_metrics_csv(const std::string& path);

}  // namespace hsgd
