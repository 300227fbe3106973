// parameter_server_test.cc: the PS core: K thresholds, modes, aggregation,
// staleness, drops and the accounting identity (also under concurrency).
#include "hsgd/ps/parameter_server.h"
#include "hsgd/ps/k_schedule.h"

#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "hsgd/common/rng.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

PsOptions options(Mode mode, int workers, double lr = 1.0) {
  PsOptions o;
  o.mode = mode;
  o.num_workers = workers;
  o.sgd.lr = lr;
  return o;
}

ParameterServer make_ps(Mode mode, int workers, std::shared_ptr<const KSchedule> schedule = nullptr, size_t n = 2) {
  PsOptions o = options(mode, workers);
  o.schedule = std::move(schedule);
  return ParameterServer(std::vector<float>(n, 0.0f), o);
}

// Workers that do not wait may fill a K larger than their number (the
// buffer holds several gradients of one worker); K within the number of
// workers counts live workers only.
TEST(ParameterServer, KBeyondTheWorkersOnlyWhereWorkersDoNotWait) {
  auto ps = make_ps(Mode::kHybrid, 2, parse_k_schedule("constant:3", 0.1, 2));
  const float g[2] = {1, 1};
  EXPECT_EQ(ps.current_k(0), 3);
  EXPECT_EQ(ps.push(0, 0, g, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(0, 0, g, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(1, 0, g, 0).status, PushOutcome::Status::kApplied);
  EXPECT_EQ(ps.accounting().applied, 3u);
  auto capped = make_ps(Mode::kHybrid, 3, parse_k_schedule("constant:3", 0.1, 3));
  capped.set_alive(2, false, 0);
  EXPECT_EQ(capped.current_k(0), 2);
}

TEST(ParameterServer, AsyncAppliesEveryPushAtOnce) {
  auto ps = make_ps(Mode::kAsync, 3);
  const float g[2] = {1.0f, -2.0f};
  for (int i = 0; i < 5; ++i) {
    const PushOutcome out = ps.push(i % 3, ps.version(), g, 0.0);
    EXPECT_EQ(out.status, PushOutcome::Status::kApplied);
    EXPECT_EQ(out.version, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(ps.current_k(0.0), 1);
  }
  EXPECT_FLOAT_EQ(ps.params()[0], -5.0f);
  EXPECT_FLOAT_EQ(ps.params()[1], 10.0f);
  EXPECT_EQ(ps.accounting().applied, 5u);
  EXPECT_TRUE(ps.accounting().balances());
}

TEST(ParameterServer, SyncAppliesOncePerRoundWithOneGradientFromEachWorker) {
  auto ps = make_ps(Mode::kSync, 3);
  const float g0[2] = {3, 0}, g1[2] = {0, 3}, g2[2] = {3, 3};
  EXPECT_EQ(ps.push(0, 0, g0, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(1, 0, g1, 0).status, PushOutcome::Status::kBuffered);
  // Worker 0 again in the same round: counted as dropped, never silently lost.
  const PushOutcome dup = ps.push(0, 0, g0, 0);
  EXPECT_EQ(dup.status, PushOutcome::Status::kDropped);
  EXPECT_EQ(dup.reason, DropReason::kDuplicateInRound);
  EXPECT_TRUE(ps.contributed_this_round(1));
  EXPECT_FALSE(ps.contributed_this_round(2));
  EXPECT_EQ(ps.version(), 0u);
  EXPECT_EQ(ps.push(2, 0, g2, 0).status, PushOutcome::Status::kApplied);
  EXPECT_EQ(ps.version(), 1u);
  EXPECT_FLOAT_EQ(ps.params()[0], -2.0f);  // mean of {3, 0, 3}
  EXPECT_FLOAT_EQ(ps.params()[1], -2.0f);
  EXPECT_FALSE(ps.contributed_this_round(0));  // a new round
  const Accounting& a = ps.accounting();
  EXPECT_EQ(a.received, 4u);
  EXPECT_EQ(a.applied, 3u);
  EXPECT_EQ(a.dropped[static_cast<size_t>(DropReason::kDuplicateInRound)], 1u);
  EXPECT_TRUE(a.balances());
}

// Sync with b backup workers (Chen et al. 2016): a round goes through with
// the first N - b gradients; the late ones of that round are dropped with
// their own reason, and their workers join the next round.
TEST(ParameterServer, SyncWithBackupWorkersAppliesTheFirstNMinusBAndDropsTheLate) {
  PsOptions o = options(Mode::kSync, 4);
  o.backup_workers = 1;
  ParameterServer ps(std::vector<float>(2, 0.0f), o);
  const float g[2] = {1, 1};
  EXPECT_EQ(ps.current_k(0), 3);
  EXPECT_EQ(ps.push(2, 0, g, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(0, 0, g, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(3, 0, g, 0).status, PushOutcome::Status::kApplied);  // 3 of 4: the round is applied
  const PushOutcome late = ps.push(1, 0, g, 0);                           // computed on version 0
  EXPECT_EQ(late.status, PushOutcome::Status::kDropped);
  EXPECT_EQ(late.reason, DropReason::kLateBackup);
  EXPECT_EQ(std::string(to_string(DropReason::kLateBackup)), "late-backup");
  // The late worker takes part in the next round on the new version.
  EXPECT_EQ(ps.push(1, 1, g, 1).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(2, 1, g, 1).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(ps.push(2, 1, g, 1).reason, DropReason::kDuplicateInRound);
  EXPECT_EQ(ps.push(0, 1, g, 1).status, PushOutcome::Status::kApplied);
  EXPECT_EQ(ps.version(), 2u);
  EXPECT_EQ(ps.accounting().dropped[static_cast<size_t>(DropReason::kLateBackup)], 1u);
  EXPECT_TRUE(ps.accounting().balances());
  // A dead worker lowers K as in plain sync; K never falls below 1.
  ps.set_alive(0, false, 2);
  ps.set_alive(1, false, 2);
  ps.set_alive(2, false, 2);
  EXPECT_EQ(ps.current_k(2), 1);
}

TEST(ParameterServer, HybridFollowsItsScheduleCappedAtLiveWorkers) {
  PsOptions o = options(Mode::kHybrid, 3);
  o.wait = WaitPolicy::kApplied;  // waiting workers: K at most 3
  o.schedule = step_schedule(1, 2, 10);  // K = 1 + floor(g / 2)
  ParameterServer ps(std::vector<float>(2, 0.0f), o);
  const float g[2] = {1, 1};
  EXPECT_EQ(ps.current_k(0), 1);
  ps.push(0, ps.version(), g, 0);  // g=1 -> K=1: applied
  EXPECT_EQ(ps.version(), 1u);
  ps.push(1, ps.version(), g, 0);  // g=2 -> K=2: buffered
  EXPECT_EQ(ps.current_k(0), 2);
  EXPECT_EQ(ps.version(), 1u);
  EXPECT_EQ(ps.accounting().buffered, 1u);
  ps.push(2, ps.version(), g, 0);  // g=3 -> K=2: two buffered, applied
  EXPECT_EQ(ps.version(), 2u);
  for (int i = 0; i < 20; ++i) ps.push(i % 3, ps.version(), g, 0);
  EXPECT_EQ(ps.current_k(0), 3);  // the schedule says more; capped at 3 live workers
  EXPECT_TRUE(ps.accounting().balances());
  // Workers that do not wait: the schedule's K = 10 holds.
  auto free = make_ps(Mode::kHybrid, 3, step_schedule(1, 2, 10));
  for (int i = 0; i < 40; ++i) free.push(i % 3, free.version(), g, 0);
  EXPECT_EQ(free.current_k(0), 10);
}

TEST(ParameterServer, MeanVersusSum) {
  for (Aggregation agg : {Aggregation::kMean, Aggregation::kSum}) {
    PsOptions o = options(Mode::kHybrid, 2, 0.5);
    o.aggregation = agg;
    o.schedule = constant_schedule(2);
  ParameterServer ps(std::vector<float>{1.0f}, o);
    const float g1[1] = {2.0f}, g2[1] = {4.0f};
    ps.push(0, 0, g1, 0);
    ps.push(1, 0, g2, 0);
    EXPECT_FLOAT_EQ(ps.params()[0], agg == Aggregation::kMean ? 1.0f - 0.5f * 3.0f : 1.0f - 0.5f * 6.0f);
  }
}

TEST(ParameterServer, StalenessUnderInterleaving) {
  auto ps = make_ps(Mode::kAsync, 3);
  const float g[2] = {0, 0};
  // Workers 0, 1, 2 all pull version 0; they push in the order 1, 2, 0.
  EXPECT_EQ(ps.push(1, 0, g, 0).staleness, 0u);
  EXPECT_EQ(ps.push(2, 0, g, 0).staleness, 1u);
  EXPECT_EQ(ps.push(0, 0, g, 0).staleness, 2u);
  // Worker 1 pulled version 1 meanwhile.
  EXPECT_EQ(ps.push(1, 1, g, 0).staleness, 2u);
  const StalenessWindow w = ps.take_staleness_window();
  EXPECT_EQ(w.count, 4u);
  EXPECT_EQ(w.max, 2u);
  EXPECT_DOUBLE_EQ(w.mean(), 5.0 / 4);
  EXPECT_EQ(ps.take_staleness_window().count, 0u);  // taking resets the window
  EXPECT_EQ(ps.staleness_histogram()[0], 1u);
  EXPECT_EQ(ps.staleness_histogram()[1], 1u);
  EXPECT_EQ(ps.staleness_histogram()[2], 2u);
}

TEST(ParameterServer, NonFiniteGradientsAreDroppedAndCounted) {
  auto ps = make_ps(Mode::kAsync, 1, nullptr, 20);
  std::vector<float> g(20, 1.0f);
  g[13] = NAN;
  EXPECT_EQ(ps.push(0, 0, g.data(), 0).reason, DropReason::kNonFinite);
  g[13] = INFINITY;
  EXPECT_EQ(ps.push(0, 0, g.data(), 0).reason, DropReason::kNonFinite);
  EXPECT_EQ(ps.version(), 0u);
  EXPECT_EQ(ps.params()[0], 0.0f);  // nothing applied
  EXPECT_EQ(ps.accounting().dropped[static_cast<size_t>(DropReason::kNonFinite)], 2u);
  EXPECT_TRUE(ps.accounting().balances());
  EXPECT_TRUE(all_finite(std::vector<float>(1001, 3.0f).data(), 1001));
}

TEST(ParameterServer, MaxStalenessDrops) {
  PsOptions o = options(Mode::kAsync, 2);
  o.max_staleness = 1;
  ParameterServer ps(std::vector<float>(2, 0.0f), o);
  const float g[2] = {1, 1};
  ps.push(0, 0, g, 0);
  ps.push(0, 1, g, 0);
  EXPECT_EQ(ps.push(1, 1, g, 0).status, PushOutcome::Status::kApplied);  // staleness 1: kept
  EXPECT_EQ(ps.push(1, 0, g, 0).reason, DropReason::kTooStale);          // staleness 3: dropped
  EXPECT_TRUE(ps.accounting().balances());
}

TEST(ParameterServer, StalenessAwareLearningRate) {
  PsOptions o = options(Mode::kAsync, 2);
  o.staleness_aware_lr = true;
  ParameterServer ps(std::vector<float>(1, 0.0f), o);
  const float g[1] = {1.0f};
  ps.push(0, 0, g, 0);  // staleness 0: weight 1
  ps.push(1, 0, g, 0);  // staleness 1: weight 1
  ps.push(1, 0, g, 0);  // staleness 2: weight 1/2
  EXPECT_FLOAT_EQ(ps.params()[0], -2.5f);
}

// GBA (a reading of Su et al. 2022): full weight up to the tolerance iota,
// then 1 / (1 + staleness - iota).
TEST(Gba, DecayWeightIsOneUpToTheToleranceThenFallsAsOneOverTheExcess) {
  EXPECT_FLOAT_EQ(gba_decay_weight(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(gba_decay_weight(1, 1), 1.0f);
  EXPECT_FLOAT_EQ(gba_decay_weight(2, 1), 0.5f);
  EXPECT_FLOAT_EQ(gba_decay_weight(3, 1), 1.0f / 3);
  EXPECT_FLOAT_EQ(gba_decay_weight(1, 0), 0.5f);
  EXPECT_FLOAT_EQ(gba_decay_weight(10, 4), 1.0f / 7);
  EXPECT_FLOAT_EQ(gba_decay_weight(1000000, 1000000), 1.0f);
}

// K = the workers, whoever sends them (workers never wait, so one worker may
// fill two slots); a gradient staler than iota enters the buffer decayed.
TEST(Gba, BuffersTheGlobalBatchAndDecaysTheStaleGradients) {
  for (const int64_t tolerance : {int64_t{-1}, int64_t{0}}) {  // -1: the default, iota = 1
    PsOptions o = options(Mode::kGba, 2);
    o.aggregation = Aggregation::kSum;
    o.gba_tolerance = tolerance;
    o.schedule = constant_schedule(2);
    ParameterServer ps(std::vector<float>(1, 0.0f), o);
    EXPECT_FALSE(o.waits_for_apply());
    EXPECT_EQ(ps.current_k(0), 2);
    const float g[1] = {1.0f};
    EXPECT_EQ(ps.push(0, 0, g, 0).status, PushOutcome::Status::kBuffered);
    EXPECT_EQ(ps.push(0, 0, g, 0).status, PushOutcome::Status::kApplied);  // one worker, two slots
    EXPECT_FLOAT_EQ(ps.params()[0], -2.0f);
    ps.push(0, 1, g, 0);                 // staleness 0: weight 1
    ps.push(1, 0, g, 0);                 // staleness 1: 1 under iota = 1, 1/2 under iota = 0
    EXPECT_EQ(ps.version(), 2u);
    ps.push(1, 0, g, 0);                 // staleness 2: 1/2 under iota = 1, 1/3 under iota = 0
    ps.push(0, 1, g, 0);                 // staleness 1: 1 under iota = 1, 1/2 under iota = 0
    EXPECT_EQ(ps.version(), 3u);
    if (tolerance < 0)
      EXPECT_FLOAT_EQ(ps.params()[0], -2.0f - 2.0f - 1.5f) << ps.schedule_description();
    else
      EXPECT_FLOAT_EQ(ps.params()[0], -2.0f - 1.5f - (1.0f / 3 + 0.5f));
    EXPECT_TRUE(ps.accounting().balances());
    EXPECT_NE(ps.schedule_description().find("gba: K = 2"), std::string::npos) << ps.schedule_description();
  }
}

TEST(ParameterServer, DeadWorkersStopCountingTowardsK) {
  auto ps = make_ps(Mode::kSync, 3);
  const float g[2] = {1, 1};
  ps.push(0, 0, g, 0);
  ps.push(1, 0, g, 0);
  EXPECT_EQ(ps.version(), 0u);
  ps.set_alive(2, false, 0);  // the round no longer waits for worker 2
  EXPECT_EQ(ps.version(), 1u);
  EXPECT_EQ(ps.live_workers(), 2);
  EXPECT_EQ(ps.current_k(0), 2);
  EXPECT_EQ(ps.push(2, 1, g, 0).reason, DropReason::kDeadWorker);
  ps.set_alive(2, true, 0);
  EXPECT_EQ(ps.current_k(0), 3);
  EXPECT_TRUE(ps.accounting().balances());
}

TEST(ParameterServer, AccountingBalancesUnderConcurrentStress) {
  PsOptions o = options(Mode::kHybrid, 8, 1e-3);
  o.max_staleness = 6;
  o.schedule = parse_k_schedule("step:S=50,Kmax=8", 0.01, 8);
  ParameterServer ps(std::vector<float>(1000, 0.0f), o);
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> pushed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 8; ++w)
    threads.emplace_back([&, w] {
      Rng rng(w);
      std::vector<float> g(1000);
      while (!stop) {
        uint64_t base;
        {
          std::lock_guard<std::mutex> lock(mu);
          base = ps.version();
        }
        for (float& x : g) x = static_cast<float>(rng.normal());
        if (rng.uniform_int(50) == 0) g[rng.uniform_int(1000)] = NAN;
        std::lock_guard<std::mutex> lock(mu);
        ps.push(w, base, g.data(), 0.0);
        ++pushed;
      }
    });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  for (auto& t : threads) t.join();
  const Accounting& a = ps.accounting();
  EXPECT_GT(a.received, 1000u);
  EXPECT_EQ(a.received, pushed.load());
  EXPECT_TRUE(a.balances()) << a.received << " != " << a.applied << " + " << a.buffered << " + " << a.dropped_total();
  EXPECT_GT(a.dropped[static_cast<size_t>(DropReason::kNonFinite)], 0u);
  EXPECT_GT(a.updates, 0u);
}

}  // namespace
}  // namespace hsgd
