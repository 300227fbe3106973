// ps_options.cc: names of the drop reasons.
#include "hsgd/ps/ps_options.h"

namespace hsgd {

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::kNonFinite: return "non-finite";
    case DropReason::kTooStale: return "too-stale";
    case DropReason::kDuplicateInRound: return "duplicate-in-round";
    case DropReason::kDeadWorker: return "dead-worker";
    case DropReason::kRunEnded: return "run-ended";
    case DropReason::kLateBackup: return "late-backup";
    case DropReason::kCount: break;
  }
  return "?";
}

}  // namespace hsgd
