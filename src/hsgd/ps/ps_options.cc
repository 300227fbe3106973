// ps_options.cc: names of the PS enums, both ways.
#include "hsgd/ps/ps_options.h"

#include "hsgd/common/error.h"

namespace hsgd {

const char* to_string(Mode m) {
  switch (m) {
    case Mode::kAsync: return "async";
    case Mode::kSync: return "sync";
    case Mode::kHybrid: return "hybrid";
  }
  return "?";
}

const char* to_string(WaitPolicy w) { return w == WaitPolicy::kNone ? "none" : "applied"; }
const char* to_string(Aggregation a) { return a == Aggregation::kMean ? "mean" : "sum"; }

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::kNonFinite: return "non-finite";
    case DropReason::kTooStale: return "too-stale";
    case DropReason::kDuplicateInRound: return "duplicate-in-round";
    case DropReason::kDeadWorker: return "dead-worker";
    case DropReason::kRunEnded: return "run-ended";
    case DropReason::kCount: break;
  }
  return "?";
}

Mode parse_mode(const std::string& s) {
  if (s == "async") return Mode::kAsync;
  if (s == "sync") return Mode::kSync;
  if (s == "hybrid") return Mode::kHybrid;
  throw ConfigError("--mode " + s + ": unknown mode; expected sync, async or hybrid");
}

WaitPolicy parse_wait_policy(const std::string& s) {
  if (s == "none") return WaitPolicy::kNone;
  if (s == "applied") return WaitPolicy::kApplied;
  throw ConfigError("--wait " + s + ": unknown wait policy; expected none or applied");
}

Aggregation parse_aggregation(const std::string& s) {
  if (s == "mean") return Aggregation::kMean;
  if (s == "sum") return Aggregation::kSum;
  throw ConfigError("--aggregation " + s + ": unknown aggregation; expected mean or sum");
}

}  // namespace hsgd
