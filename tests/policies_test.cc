// policies_test.cc: the policies beyond the paper in the PS core, on
// scripted arrival sequences: stale-synchronous parallel (exact waiting and
// release, a dead worker releases), the adaptive threshold (exact K from
// scripted arrivals and service times), k-sync and k-batch-async, and their
// state through a checkpoint.
#include <gtest/gtest.h>

#include "hsgd/ps/adaptive_threshold.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/parameter_server.h"

namespace hsgd {
namespace {

const float kGrad[2] = {1, 1};

ParameterServer ssp_ps(int workers, int64_t bound) {
  PsOptions o;
  o.mode = Mode::kSsp;
  o.num_workers = workers;
  o.ssp_bound = bound;
  return ParameterServer(std::vector<float>(2, 0.0f), o);
}

// Pushes one gradient of `worker` on the current version.
PushOutcome push(ParameterServer& ps, int worker, double now = 0) {
  return ps.push(worker, ps.version(), kGrad, now);
}

TEST(Ssp, AWorkerMoreThanSClocksAheadOfTheSlowestWaitsUntilItCatchesUp) {
  ParameterServer ps = ssp_ps(3, 1);
  EXPECT_EQ(ps.current_k(0), 1);
  // Worker 0 runs ahead: clocks 1 and 2 are within s = 1 of 0? 1 - 0 <= 1 yes; 2 - 0 > 1: waits.
  EXPECT_FALSE(push(ps, 0).must_wait);
  const PushOutcome second = push(ps, 0);
  EXPECT_EQ(second.status, PushOutcome::Status::kApplied);  // K = 1: applied on arrival all the same
  EXPECT_TRUE(second.must_wait);
  EXPECT_TRUE(ps.ssp_waiting(0));
  EXPECT_EQ(ps.ssp_clock(0), 2u);
  // Worker 1 catches up to 1; worker 2 is still at 0: nobody is released.
  EXPECT_FALSE(push(ps, 1).must_wait);
  EXPECT_TRUE(ps.take_released().empty());
  // Worker 2's push makes the slowest clock 1: worker 0 (at 2) is within s again.
  EXPECT_FALSE(push(ps, 2).must_wait);
  EXPECT_EQ(ps.take_released(), std::vector<int>{0});
  EXPECT_FALSE(ps.ssp_waiting(0));
  EXPECT_TRUE(ps.take_released().empty());  // each release is named once
  EXPECT_EQ(ps.ssp_waits(), 1u);
  EXPECT_EQ(ps.version(), 4u);
  EXPECT_TRUE(ps.accounting().balances());
}

TEST(Ssp, BoundZeroIsLockStepAndReleasesInWorkerOrder) {
  ParameterServer ps = ssp_ps(3, 0);
  EXPECT_TRUE(push(ps, 2).must_wait);
  EXPECT_TRUE(push(ps, 0).must_wait);
  EXPECT_FALSE(push(ps, 1).must_wait);  // the last of the clock: everyone at 1
  EXPECT_EQ(ps.take_released(), (std::vector<int>{0, 2}));
  EXPECT_EQ(ps.ssp_waits(), 2u);
}

TEST(Ssp, ADeadWorkerDoesNotBlockAndReleasesItsWaiters) {
  ParameterServer ps = ssp_ps(3, 0);
  EXPECT_TRUE(push(ps, 0).must_wait);
  EXPECT_TRUE(push(ps, 1).must_wait);
  ps.set_alive(2, false, 1);  // the slowest dies: 0 and 1 are level with the slowest live worker
  EXPECT_EQ(ps.take_released(), (std::vector<int>{0, 1}));
  EXPECT_TRUE(push(ps, 0).must_wait);  // clock 2, the slowest live (worker 1) at 1
  EXPECT_TRUE(ps.ssp_waiting(0));
  // A waiting worker that dies is released by nobody and holds nobody back.
  ps.set_alive(0, false, 2);
  EXPECT_FALSE(ps.ssp_waiting(0));
  EXPECT_TRUE(ps.take_released().empty());
  EXPECT_FALSE(push(ps, 1).must_wait);  // alone: never ahead of itself
  // A dead worker's late gradient is dropped and moves no clock.
  EXPECT_EQ(push(ps, 2).reason, DropReason::kDeadWorker);
  EXPECT_EQ(ps.ssp_clock(2), 0u);
  // Revived, it rejoins at the slowest live clock, so it blocks nobody.
  ps.set_alive(2, true, 3);
  EXPECT_EQ(ps.ssp_clock(2), ps.ssp_clock(1));
  EXPECT_TRUE(ps.accounting().balances());
}

TEST(Ssp, ClocksAndWaitersGoThroughACheckpoint) {
  ParameterServer ps = ssp_ps(2, 0);
  EXPECT_TRUE(push(ps, 0).must_wait);
  CheckpointFile file;
  ps.save_state(file);
  ParameterServer restored = ssp_ps(2, 0);
  restored.restore_state(CheckpointFile::parse(file.serialize(), "ckpt"));
  EXPECT_TRUE(restored.ssp_waiting(0));
  EXPECT_EQ(restored.ssp_clock(0), 1u);
  EXPECT_EQ(restored.ssp_waits(), 1u);
  push(restored, 1);
  EXPECT_EQ(restored.take_released(), std::vector<int>{0});
  // Fresh workers (MPI resume): every clock starts again and nobody waits.
  ParameterServer fresh = ssp_ps(2, 0);
  fresh.restore_state(CheckpointFile::parse(file.serialize(), "ckpt"), true);
  EXPECT_FALSE(fresh.ssp_waiting(0));
  EXPECT_EQ(fresh.ssp_clock(0), 0u);
}

// ---------------------------------------------------------------- adaptive

// Scripted: gradients arrive every `gap` seconds; each push applies an update
// and costs the server `update` seconds.
void feed(AdaptiveThreshold& a, int count, double& t, double gap, double update, int live) {
  for (int i = 0; i < count; ++i) {
    t += gap;
    a.on_gradient(t, 0, live);
    a.on_service(update, true);
  }
}

TEST(AdaptiveThreshold, AFreeServerStaysAsync) {
  AdaptiveThreshold a(25);
  EXPECT_EQ(a.window(), 50u);  // 2 x workers
  double t = 0;
  feed(a, 1000, t, 0.001, 0, 25);
  EXPECT_EQ(a.k(), 1);
  EXPECT_TRUE(a.decisions().empty());
  EXPECT_EQ(a.utilisation(1), 0);
}

TEST(AdaptiveThreshold, KIsTheSmallestThatKeepsTheServerBelowEightyPercent) {
  AdaptiveThreshold a(4);
  ASSERT_EQ(a.window(), 32u);
  double t = 0;
  // A gradient every 12.5 ms, 8 ms per update, nothing per gradient: K = 1
  // keeps the server 64% busy: within the target, so K stays 1.
  feed(a, 100, t, 0.0125, 0.008, 25);
  EXPECT_EQ(a.k(), 1);
  EXPECT_NEAR(a.utilisation(1), 0.64, 1e-9);
  // Then every 5.5 ms. The window of gradients 97-128 (4 gaps of 12.5 ms, 28
  // of 5.5 ms) has a = 6.375 ms: 125% busy at K = 1; K* = ceil(8 / (0.8 a)) = 2.
  feed(a, 200, t, 0.0055, 0.008, 25);
  EXPECT_EQ(a.k(), 2);
  ASSERT_EQ(a.decisions().size(), 1u);
  const KDecision& d = a.decisions()[0];
  EXPECT_EQ(d.k_before, 1);
  EXPECT_EQ(d.k_after, 2);
  EXPECT_NEAR(d.time, 100 * 0.0125 + 28 * 0.0055, 1e-9);
  EXPECT_NEAR(d.arrival_rate, 1 / 0.006375, 1e-6);
  EXPECT_NEAR(d.update_s, 0.008, 1e-12);
  EXPECT_NEAR(d.utilisation, 0.008 / 0.006375, 1e-9);
  // At 5.5 ms a gap, K = 2 keeps it 73% busy: K* = ceil(8 / 4.4) = 2, no change.
  EXPECT_EQ(a.target_k(25), 2);
  EXPECT_NEAR(a.utilisation(2), 0.004 / 0.0055, 1e-9);
}

TEST(AdaptiveThreshold, ServiceTimesSplitIntoPerUpdateAndPerGradient) {
  AdaptiveThreshold b(10);
  double t = 0;
  // Every 1 ms; buffered pushes cost G = 0.2 ms, applying ones G + U = 8.2 ms.
  for (int i = 0; i < 32; ++i) {
    t += 0.001;
    b.on_gradient(t, i + 1, 10);
    b.on_service(i % 2 ? 0.0082 : 0.0002, i % 2 == 1);
  }
  EXPECT_NEAR(b.gradient_seconds(), 0.0002, 1e-12);
  EXPECT_NEAR(b.update_seconds(), 0.008, 1e-12);
  EXPECT_EQ(b.target_k(100), 14);  // ceil(8 / (0.8 - 0.2))
  EXPECT_EQ(b.k(), 10);            // capped at the 10 live workers
}

TEST(AdaptiveThreshold, KNeverFallsAndChangesOnlyAtTheEndOfAWindow) {
  AdaptiveThreshold a(4);
  double t = 0;
  feed(a, 31, t, 0.001, 0.0075, 25);
  EXPECT_EQ(a.k(), 1);  // the window is not over
  feed(a, 1, t, 0.001, 0.0075, 25);
  EXPECT_EQ(a.k(), 10);  // ceil(7.5 / 0.8)
  feed(a, 500, t, 1.0, 0.0075, 25);  // the load goes away: K stays
  EXPECT_EQ(a.k(), 10);
  EXPECT_EQ(a.decisions().size(), 1u);
}

TEST(AdaptiveThreshold, SaturatedByGradientsAloneMeansAsManyAsTheWorkers) {
  AdaptiveThreshold a(6);
  double t = 0;
  for (int i = 0; i < 32; ++i) {
    t += 0.001;
    a.on_gradient(t, i + 1, 6);
    a.on_service(i % 2 ? 0.0019 : 0.0009, i % 2 == 1);  // G = 0.9 ms > 0.8 x 1 ms
  }
  EXPECT_EQ(a.k(), 6);
}

// In the PS: hybrid with --schedule adaptive takes K from the threshold, which
// sees every push's time and the service times the runtime reports.
TEST(AdaptiveThreshold, TheServerAppliesWithTheKItChose) {
  PsOptions o;
  o.mode = Mode::kHybrid;
  o.num_workers = 4;
  o.schedule = parse_k_schedule("adaptive", 0.1, 4);
  ParameterServer ps(std::vector<float>(2, 0.0f), o);
  ASSERT_NE(ps.adaptive(), nullptr);
  double t = 0;
  for (int i = 0; i < 32; ++i) {
    t += 0.001;
    const PushOutcome out = ps.push(i % 4, ps.version(), kGrad, t);
    ps.record_service(0.008, out.status == PushOutcome::Status::kApplied);
  }
  EXPECT_EQ(ps.current_k(t), 4);  // ceil(8 / 0.8) = 10, capped at 4 live workers
  EXPECT_EQ(ps.version(), 31u);   // the 32nd gradient was the first buffered
  EXPECT_EQ(ps.accounting().buffered, 1u);
  CheckpointFile file;
  ps.save_state(file);
  ParameterServer restored(std::vector<float>(2, 0.0f), o);
  restored.restore_state(CheckpointFile::parse(file.serialize(), "ckpt"));
  EXPECT_EQ(restored.current_k(t), 4);
  EXPECT_EQ(restored.adaptive()->decisions().size(), 1u);
  EXPECT_EQ(restored.adaptive()->arrival_rate(), ps.adaptive()->arrival_rate());
}

// ---------------------------------------------------------------- Dutta et al.

TEST(KModes, KSyncWaitsAndKBatchAsyncDoesNot) {
  PsOptions o;
  o.num_workers = 3;
  o.k = 2;
  o.schedule = constant_schedule(2);
  o.mode = Mode::kKSync;
  EXPECT_TRUE(o.waits_for_apply());
  ParameterServer sync_ps(std::vector<float>(2, 0.0f), o);
  EXPECT_EQ(sync_ps.current_k(0), 2);
  EXPECT_NE(sync_ps.schedule_description().find("k-sync: K = 2"), std::string::npos);
  o.mode = Mode::kKBatchAsync;
  o.k = 5;
  o.schedule = constant_schedule(5);  // more than the workers: one worker may give several
  EXPECT_FALSE(o.waits_for_apply());
  ParameterServer batch_ps(std::vector<float>(2, 0.0f), o);
  EXPECT_EQ(batch_ps.current_k(0), 5);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(push(batch_ps, 0).status, PushOutcome::Status::kBuffered);
  EXPECT_EQ(push(batch_ps, 0).status, PushOutcome::Status::kApplied);
}

}  // namespace
}  // namespace hsgd
