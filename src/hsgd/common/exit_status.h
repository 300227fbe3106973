// exit_status.h: the exit statuses of the hsgd program, defined once. A
// training run's process (`hsgd train`) ends with one of them, and whatever
// reads them (the suite runner, scripts/mpirun.sh, a user's shell) names them
// from here, never as literals.
//
//   0    finished
//   1    failed: bad input or an error (an hsgd::Error)
//   3    an internal error: a failed internal check (InvariantError) or any
//        other exception that is no hsgd::Error, i.e. a bug
//   4    finished without reaching --target-accuracy
//   5    diverged
//   128 + signal   terminated by SIGINT (130) or SIGTERM (143)
#pragma once

#include <exception>

namespace hsgd {

constexpr int kExitFinished = 0;
constexpr int kExitFailed = 1;
constexpr int kExitInternalError = 3;
constexpr int kExitTargetNotReached = 4;
constexpr int kExitDiverged = 5;
constexpr int kExitSignalBase = 128;

// The status of a process that a signal stopped cleanly (130 for SIGINT).
constexpr int exit_status_of_signal(int signal) { return kExitSignalBase + signal; }

// Whether a run's process with this status left a result: it finished (the
// target reached or not) or diverged.
constexpr bool run_ended_with_result(int status) {
  return status == kExitFinished || status == kExitTargetNotReached || status == kExitDiverged;
}

// The status for a command that ended with exception `e`: kExitFailed for an
// hsgd::Error (bad input, named), kExitInternalError for anything else.
int failure_exit_status(const std::exception& e);

}  // namespace hsgd
