// k_schedule_test.cc: each schedule gives its documented K; bad specs are named.
#include "hsgd/ps/k_schedule.h"

#include "hsgd/common/error.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

int k_at(const KSchedule& s, uint64_t gradients, double seconds = 0) {
  ScheduleState state;
  state.gradients = gradients;
  state.seconds = seconds;
  return s.k(state);
}

int k_after_updates(const KSchedule& s, uint64_t updates) {
  ScheduleState state;
  state.gradients = 1000000;  // not what these schedules count
  state.updates = updates;
  return s.k(state);
}

TEST(KSchedule, StepIsThePapersFormula) {
  // lr 0.01, c = 3: S = 300; K0 = 1, Kmax = 25 workers.
  const auto s = parse_k_schedule("step", 0.01, 25);
  EXPECT_EQ(k_at(*s, 0), 1);
  EXPECT_EQ(k_at(*s, 299), 1);
  EXPECT_EQ(k_at(*s, 300), 2);
  EXPECT_EQ(k_at(*s, 1499), 5);
  EXPECT_EQ(k_at(*s, 7200), 25);
  EXPECT_EQ(k_at(*s, 1000000), 25);
  EXPECT_NE(s->describe().find("min(25, 1 + floor(g / 300))"), std::string::npos) << s->describe();
}

TEST(KSchedule, StepParameters) {
  const auto c5 = parse_k_schedule("step:c=5", 0.01, 25);  // S = 500
  EXPECT_EQ(k_at(*c5, 499), 1);
  EXPECT_EQ(k_at(*c5, 500), 2);
  const auto s = parse_k_schedule("step:S=10,K0=3,Kmax=6", 0.01, 25);
  EXPECT_EQ(k_at(*s, 0), 3);
  EXPECT_EQ(k_at(*s, 25), 5);
  EXPECT_EQ(k_at(*s, 1000), 6);
}

// The paper's "steps" read as applied updates instead of gradients received.
TEST(KSchedule, StepCountingUpdates) {
  const auto s = parse_k_schedule("step:S=100,unit=updates", 0.01, 25);
  EXPECT_EQ(k_after_updates(*s, 99), 1);
  EXPECT_EQ(k_after_updates(*s, 100), 2);
  EXPECT_EQ(k_after_updates(*s, 5000), 25);
  EXPECT_NE(s->describe().find("x = updates applied"), std::string::npos) << s->describe();
  const auto list = parse_k_schedule("list:updates,10=4", 0.01, 25);
  EXPECT_EQ(k_after_updates(*list, 9), 1);
  EXPECT_EQ(k_after_updates(*list, 10), 4);
  testing::expect_error<ConfigError>([] { parse_k_schedule("step:unit=epochs", 0.01, 4); },
                            {"unit 'epochs' is unknown", "gradients, updates or seconds"});
}

TEST(KSchedule, MaxK) {
  EXPECT_EQ(parse_k_schedule("step", 0.01, 25)->max_k(), 25);
  EXPECT_EQ(parse_k_schedule("step:Kmax=50", 0.01, 25)->max_k(), 50);
  EXPECT_EQ(parse_k_schedule("constant:7", 0.01, 25)->max_k(), 7);
  EXPECT_EQ(parse_k_schedule("linear:seconds,from=9,to=2,over=5", 0.01, 25)->max_k(), 9);
  EXPECT_EQ(parse_k_schedule("list:gradients,5=3,9=2", 0.01, 25)->max_k(), 3);
}

TEST(KSchedule, Constant) { EXPECT_EQ(k_at(*parse_k_schedule("constant:7", 0.01, 25), 12345), 7); }

TEST(KSchedule, LinearInGradientsAndSeconds) {
  const auto g = parse_k_schedule("linear:gradients,from=1,to=11,over=1000", 0.01, 25);
  EXPECT_EQ(k_at(*g, 0), 1);
  EXPECT_EQ(k_at(*g, 500), 6);
  EXPECT_EQ(k_at(*g, 999), 10);
  EXPECT_EQ(k_at(*g, 5000), 11);
  const auto t = parse_k_schedule("linear:seconds,from=2,to=4,over=10", 0.01, 25);
  EXPECT_EQ(k_at(*t, 999999, 0.0), 2);
  EXPECT_EQ(k_at(*t, 0, 5.0), 3);
  EXPECT_EQ(k_at(*t, 0, 50.0), 4);
}

TEST(KSchedule, ListIsPiecewiseConstant) {
  const auto s = parse_k_schedule("list:gradients,100=2,300=5", 0.01, 25);
  EXPECT_EQ(k_at(*s, 99), 1);
  EXPECT_EQ(k_at(*s, 100), 2);
  EXPECT_EQ(k_at(*s, 299), 2);
  EXPECT_EQ(k_at(*s, 300), 5);
  const auto t = parse_k_schedule("list:seconds,0=3,10=8", 0.01, 25);
  EXPECT_EQ(k_at(*t, 0, 0.0), 3);
  EXPECT_EQ(k_at(*t, 0, 12.0), 8);
}

TEST(KSchedule, BadSpecsAreNamed) {
  using testing::expect_error;
  expect_error<ConfigError>([] { parse_k_schedule("constant:0", 0.01, 4); }, {"constant:0", "K must be an integer >= 1"});
  expect_error<ConfigError>([] { parse_k_schedule("constant", 0.01, 4); }, {"constant:K"});
  expect_error<ConfigError>([] { parse_k_schedule("step:K0=5,Kmax=3", 0.01, 25); }, {"K0 = 5 > Kmax = 3"});
  expect_error<ConfigError>([] { parse_k_schedule("step:K0=5", 0.01, 4); }, {"K0 = 5 > Kmax = 4"});
  expect_error<ConfigError>([] { parse_k_schedule("step:S=-3", 0.01, 4); }, {"S = -3", "> 0"});
  expect_error<ConfigError>([] { parse_k_schedule("step:x=1", 0.01, 4); }, {"unknown parameter 'x'"});
  expect_error<ConfigError>([] { parse_k_schedule("step:S=abc", 0.01, 4); }, {"'abc' is not a number"});
  expect_error<ConfigError>([] { parse_k_schedule("cosine", 0.01, 4); }, {"unknown schedule 'cosine'"});
  expect_error<ConfigError>([] { parse_k_schedule("linear:hours,from=1,to=2,over=3", 0.01, 4); }, {"unit 'hours'"});
  expect_error<ConfigError>([] { parse_k_schedule("linear:seconds,from=1,to=2", 0.01, 4); }, {"missing over="});
  expect_error<ConfigError>([] { parse_k_schedule("list:gradients,10=2,5=3", 0.01, 4); }, {"points must increase"});
  // Found by fuzz/schedule_fuzz.cc: a list without points was an internal error (exit 3).
  expect_error<ConfigError>([] { parse_k_schedule("list:gradients,", 0.01, 4); },
                            {"list:gradients,", "at least one point"});
}

}  // namespace
}  // namespace hsgd
