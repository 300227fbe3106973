// throughput_check.h: is a real-time comparison measuring the modes, or the
// machine's scheduling? Two modes that apply updates with the same K do the
// same work per gradient, so they should receive gradients at about the same
// rate. When, over the window from the start in which hybrid and another mode
// had the same K at every evaluation (hybrid at K = 1 against async), their
// gradient rates differ by more than a given share, the difference between
// them may be scheduling noise (more threads than cores, other load), not the
// algorithm. Computed from the runs' metrics.csv rows (gradients received,
// time, K). The simulator needs no such check: its time is virtual.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/experiment/report_data.h"

namespace hsgd {

// The share of the slower rate by which two modes may differ under the same K before we warn.
constexpr double kThroughputWarningShare = 0.20;

struct ThroughputCheck {
  uint64_t seed = 0;
  std::string other;         // the mode hybrid is compared with
  uint64_t k = 0;            // the K both had over the window
  double window_s = 0;       // from the start to the last evaluation with the same K
  double hybrid_rate = 0;    // gradients received per second over the window
  double other_rate = 0;
  double share = 0;          // |hybrid_rate - other_rate| / the slower of the two
  bool exceeds = false;      // share > the allowed share
  std::string message;       // a warning when exceeds, else a note
};

// One check per seed and mode (async, sync) with a window of the same K that
// holds at least one evaluation after the start; none where K always differs.
std::vector<ThroughputCheck> check_throughput(const report::CellResult& cell,
                                              double max_share = kThroughputWarningShare);

}  // namespace hsgd
