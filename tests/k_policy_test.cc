// k_policy_test.cc: K policies (ps/k_policy.h): a registered function asked
// by the parameter server once per gradient, with the whole state; its twin
// of --schedule step gives the same updates; bad answers and names refused.
#include "hsgd/ps/k_policy.h"

#include <cmath>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"
#include "hsgd/ps/parameter_server.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

// Registers a policy for the test's scope.
struct ScopedPolicy {
  std::string name;
  ScopedPolicy(std::string n, KPolicyFunction f) : name(std::move(n)) { register_k_policy(name, std::move(f)); }
  ~ScopedPolicy() { unregister_k_policy(name); }
};

ParameterServer hybrid_ps(const std::string& spec, int workers, size_t n) {
  PsOptions o;
  o.mode = Mode::kHybrid;
  o.num_workers = workers;
  o.sgd.lr = 0.1;
  o.schedule = parse_k_schedule(spec, o.sgd.lr, workers);
  return ParameterServer(std::vector<float>(n, 0.5f), o);
}

TEST(KPolicy, AStepPolicyAppliesTheSameUpdatesAsTheStepSchedule) {
  const int workers = 5;
  const double s = 7;  // gradients per step of K
  ScopedPolicy step("step-twin", [&](const ScheduleState& st) {
    return std::min(workers, 1 + static_cast<int>(std::floor(static_cast<double>(st.gradients) / s)));
  });
  auto a = hybrid_ps("step:S=7", workers, 16);
  auto b = hybrid_ps("policy:step-twin", workers, 16);
  Rng rng(3);
  std::vector<float> g(16);
  for (int i = 0; i < 200; ++i) {
    for (float& x : g) x = static_cast<float>(rng.uniform01() - 0.5);
    const int w = i % workers;
    const uint64_t base = a.version() > 2 ? a.version() - 2 : 0;
    const PushOutcome oa = a.push(w, base, g.data(), i * 0.01);
    const PushOutcome ob = b.push(w, base, g.data(), i * 0.01);
    ASSERT_EQ(oa.status, ob.status) << "push " << i;
    ASSERT_EQ(a.current_k(i * 0.01), b.current_k(i * 0.01)) << "push " << i;
  }
  EXPECT_GT(a.version(), 10u);
  EXPECT_EQ(a.params(), b.params());  // bit for bit
  EXPECT_TRUE(b.accounting().balances());
}

TEST(KPolicy, SeesTheStateAndTheMeasuredLoad) {
  std::vector<ScheduleState> seen;
  ScopedPolicy record("recorder", [&](const ScheduleState& st) {
    seen.push_back(st);
    return st.gradients >= 40 ? 2 : 1;
  });
  auto ps = hybrid_ps("policy:recorder", 4, 4);
  const float g[4] = {1, 1, 1, 1};
  ASSERT_EQ(seen.size(), 1u);  // asked once when the server is built
  for (int i = 0; i < 40; ++i) {
    ps.push(i % 4, ps.version(), g, 0.01 * (i + 1));  // a gradient every 10 ms
    ps.record_service(0.002, true);                      // 2 ms per push, each applying
  }
  ASSERT_EQ(seen.size(), 41u);  // then once per gradient
  EXPECT_EQ(seen[5].gradients, 5u);
  EXPECT_EQ(seen[5].live_workers, 4);
  EXPECT_EQ(seen[5].arrival_gap, 0.0);  // no window has ended yet (32 gradients)
  const ScheduleState& last = seen.back();
  EXPECT_NEAR(last.arrival_gap, 0.01, 1e-9);
  EXPECT_NEAR(last.update_s, 0.002, 1e-9);
  EXPECT_NEAR(last.utilisation, 0.2, 1e-9);
  EXPECT_EQ(ps.current_k(0.4), 2);
  ps.set_alive(3, false, 0.41);  // a death is a decision point too
  EXPECT_EQ(seen.back().live_workers, 3);
  EXPECT_EQ(seen.back().k, 2);
}

TEST(KPolicy, AnAnswerOutsideOneToTheWorkersIsAnError) {
  ScopedPolicy zero("zero", [](const ScheduleState&) { return 0; });
  testing::expect_error<Error>([&] { hybrid_ps("policy:zero", 3, 2); }, {"K policy 'zero' returned K = 0"});
  ScopedPolicy many("many", [](const ScheduleState&) { return 4; });
  testing::expect_error<Error>([&] { hybrid_ps("policy:many", 3, 2); }, {"must be a whole number in [1, 3]"});
}

TEST(KPolicy, NamesAreCheckedAndAnUnknownOneIsRefusedByName) {
  testing::expect_error<ConfigError>([&] { parse_k_schedule("policy:nobody", 0.1, 4); },
                                     {"no K policy of that name"});
  testing::expect_error<ConfigError>([&] { parse_k_schedule("policy", 0.1, 4); }, {"policy:NAME"});
  const auto one = [](const ScheduleState&) { return 1; };
  testing::expect_error<ConfigError>([&] { register_k_policy("a b", one); }, {"K policy name"});
  ScopedPolicy once("once", one);
  testing::expect_error<ConfigError>([&] { register_k_policy("once", one); }, {"already registered"});
  EXPECT_TRUE(k_policy_registered("once"));
}

}  // namespace
}  // namespace hsgd
