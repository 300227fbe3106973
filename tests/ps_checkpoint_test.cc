// ps_checkpoint_test.cc: the PS's state through a checkpoint
// (ParameterServer::save_state / restore_state): a server restored from a
// checkpoint taken mid-run, with gradients in its buffer, momentum, drops and
// a dead worker, then goes on exactly (bit for bit) as the original does; a
// checkpoint of another model or another worker count is refused, and the
// server is left as it was.
#include <gtest/gtest.h>

#include "hsgd/common/rng.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/parameter_server.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

constexpr size_t kParams = 6;

ParameterServer make_ps(int workers = 3, size_t n = kParams) {
  PsOptions o;
  o.mode = Mode::kHybrid;
  o.num_workers = workers;
  o.sgd.lr = 0.1;
  o.sgd.momentum = 0.9;
  o.schedule = parse_k_schedule("constant:3", 0.1, workers);  // K = 3, or the live workers when fewer
  std::vector<float> init(n);
  for (size_t i = 0; i < n; ++i) init[i] = 0.25f * static_cast<float>(i);
  return ParameterServer(std::move(init), o);
}

// Pushes `count` seeded gradients (one non-finite, every 7th one stale
// enough to matter) from workers in turn, at growing times.
void push_some(ParameterServer& ps, uint64_t seed, int count, double t0) {
  Rng rng(seed);
  std::vector<float> g(ps.num_params());
  for (int i = 0; i < count; ++i) {
    for (float& x : g) x = static_cast<float>(rng.uniform01() - 0.5);
    if (i == 3) g[1] = NAN;
    const int w = i % 3;
    const uint64_t base = i % 7 == 0 && ps.version() > 0 ? ps.version() - 1 : ps.version();
    if (ps.alive(w)) ps.push(w, base, g.data(), t0 + i);
  }
}

TEST(PsCheckpoint, ARestoredServerGoesOnBitForBitAsTheOriginal) {
  ParameterServer original = make_ps();
  push_some(original, 1, 23, 0);
  original.set_alive(2, false, 23);  // K falls to 2
  const std::vector<float> g(kParams, 0.5f);
  if (original.accounting().buffered == 0) original.push(0, original.version(), g.data(), 24);
  ASSERT_GT(original.accounting().buffered, 0u) << "the checkpoint should catch gradients in the buffer";
  CheckpointFile file;
  original.save_state(file);
  ParameterServer restored = make_ps();
  restored.restore_state(CheckpointFile::parse(file.serialize(), "ckpt"));
  EXPECT_EQ(restored.params(), original.params());
  push_some(original, 2, 40, 30);
  push_some(restored, 2, 40, 30);
  EXPECT_EQ(restored.params(), original.params());  // bit for bit: same floats in the same order
  EXPECT_EQ(restored.version(), original.version());
  EXPECT_EQ(restored.accounting().received, original.accounting().received);
  EXPECT_EQ(restored.accounting().dropped, original.accounting().dropped);
  EXPECT_TRUE(restored.accounting().balances());
  EXPECT_EQ(restored.staleness_histogram(), original.staleness_histogram());
  EXPECT_EQ(restored.live_workers(), 2);
  EXPECT_FALSE(restored.alive(2));
}

TEST(PsCheckpoint, ACheckpointOfAnotherModelOrWorkerCountIsRefused) {
  ParameterServer original = make_ps();
  push_some(original, 1, 10, 0);
  CheckpointFile file;
  original.save_state(file);
  const CheckpointFile read = CheckpointFile::parse(file.serialize(), "run/checkpoint");
  ParameterServer bigger = make_ps(3, kParams + 1);
  const std::vector<float> before = bigger.params();
  testing::expect_error<CheckpointError>([&] { bigger.restore_state(read); },
                                         {"run/checkpoint", "'ps/params'", "expected 7 floats"});
  EXPECT_EQ(bigger.params(), before);
  EXPECT_EQ(bigger.version(), 0u);
  ParameterServer more_workers = make_ps(4);
  testing::expect_error<CheckpointError>([&] { more_workers.restore_state(read); },
                                         {"run/checkpoint", "'ps/last_round'"});
  EXPECT_EQ(more_workers.version(), 0u);
}

// MPI's resumed run: new worker ranks, maybe another number of them. The
// model's state and the accounting carry over; every new worker is alive and
// in no round.
TEST(PsCheckpoint, FreshWorkersTakeTheStateWithAnotherWorkerCount) {
  ParameterServer original = make_ps();
  push_some(original, 1, 23, 0);
  original.set_alive(2, false, 23);
  CheckpointFile file;
  original.save_state(file);
  ParameterServer five = make_ps(5);
  five.restore_state(CheckpointFile::parse(file.serialize(), "ckpt"), /*fresh_workers=*/true);
  EXPECT_EQ(five.params(), original.params());
  EXPECT_EQ(five.version(), original.version());
  EXPECT_EQ(five.accounting().received, original.accounting().received);
  EXPECT_EQ(five.accounting().buffered, original.accounting().buffered);
  EXPECT_EQ(five.live_workers(), 5);
  for (int w = 0; w < 5; ++w) EXPECT_FALSE(five.contributed_this_round(w)) << w;
  const std::vector<float> g(kParams, 0.5f);
  for (int w = 0; w < 5; ++w) five.push(w, five.version(), g.data(), 30);
  EXPECT_TRUE(five.accounting().balances());
}

}  // namespace
}  // namespace hsgd
