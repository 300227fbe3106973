// error_test.cc: the error policy: bad input is an hsgd::Error (exit 1), a
// failed internal check an InvariantError that no handler of bad input
// catches (exit 3); the exit statuses are those of common/exit_status.h.
#include <gtest/gtest.h>

#include <csignal>
#include <type_traits>

#include "hsgd/common/error.h"
#include "hsgd/common/exit_status.h"

namespace hsgd {
namespace {

static_assert(!std::is_base_of_v<Error, InvariantError>, "a bug must not be caught as bad input");

// The status main() returns for what `body` throws (apps/hsgd_main.cc).
template <typename Body>
int status_of(Body body) {
  try {
    body();
  } catch (const std::exception& e) {
    return failure_exit_status(e);
  }
  return kExitFinished;
}

TEST(ErrorPolicy, AFailedInternalCheckExits3) {
  const int status = status_of([] { HSGD_CHECK(1 + 1 == 3, "arithmetic"); });
  EXPECT_EQ(status, kExitInternalError);
  EXPECT_EQ(status, 3);
}

TEST(ErrorPolicy, AFailedInternalCheckIsNotCaughtAsBadInput) {
  bool caught_as_input = false, caught_as_bug = false;
  try {
    try {
      HSGD_CHECK(false, "never");
    } catch (const Error&) {
      caught_as_input = true;
    }
  } catch (const InvariantError& e) {
    caught_as_bug = true;
    EXPECT_NE(std::string(e.what()).find("error_test.cc:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("check failed: false never"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(caught_as_input);
  EXPECT_TRUE(caught_as_bug);
}

TEST(ErrorPolicy, BadInputExits1AndOtherExceptionsAreInternal) {
  EXPECT_EQ(status_of([] { throw ConfigError("--lr = -1 is out of range"); }), kExitFailed);
  EXPECT_EQ(status_of([] { throw DataError("x.idx", "truncated"); }), kExitFailed);
  EXPECT_EQ(status_of([] { throw std::out_of_range("vector::at"); }), kExitInternalError);
}

TEST(ExitStatus, TheDocumentedValues) {
  EXPECT_EQ(kExitFinished, 0);
  EXPECT_EQ(kExitFailed, 1);
  EXPECT_EQ(kExitTargetNotReached, 4);
  EXPECT_EQ(kExitDiverged, 5);
  EXPECT_EQ(exit_status_of_signal(SIGINT), 130);
  EXPECT_EQ(exit_status_of_signal(SIGTERM), 143);
  EXPECT_TRUE(run_ended_with_result(kExitFinished));
  EXPECT_TRUE(run_ended_with_result(kExitTargetNotReached));
  EXPECT_TRUE(run_ended_with_result(kExitDiverged));
  EXPECT_FALSE(run_ended_with_result(kExitFailed));
  EXPECT_FALSE(run_ended_with_result(kExitInternalError));
  EXPECT_FALSE(run_ended_with_result(130));
}

}  // namespace
}  // namespace hsgd
