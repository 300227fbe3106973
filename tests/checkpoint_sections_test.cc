// checkpoint_sections_test.cc: the harness's and the simulator's sections of
// a checkpoint, read and checked without a run (runtime/harness_sections.h,
// runtime/sim_sections.h; the fuzz target run_checkpoint): a consistent
// checkpoint is read back, and each broken section is refused by name.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "hsgd/runtime/harness_sections.h"
#include "hsgd/runtime/sim_sections.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;

// A consistent checkpoint of `workers` workers, `shards` servers and `params` parameters.
CheckpointFile good_file(int workers, int shards, size_t params) {
  const auto n = static_cast<uint64_t>(workers);
  CheckpointFile f;
  f.set("meta/kind", kCheckpointKind);
  f.set("meta/config", checkpoint_meaning(TrainConfig{}, false).dump());
  f.set_f64s("meta/time", {2.5});
  f.set_f64s("harness/rows_f64", {1.0, 0.5, 0.1, 2.3, 2.2, 0.25});
  f.set_u64s("harness/rows_u64", {10, 9, 3, 2, 0, 320});
  f.set_f64s("harness/state", std::vector<double>(harness_slot::kStateSlots, 1.0));
  f.set_u64s("harness/counters", std::vector<uint64_t>(harness_slot::kCounterSlots, 2));
  f.set_u64s("harness/delays", std::vector<uint64_t>(n * Rng::kStateWords, 7));
  f.set_u64s("sim/clock", {2500, 2400, 2400, 0, 9000, 30, 0, 40});
  std::vector<uint64_t> events, event_shards;
  for (uint64_t w = 0; w < n; ++w) {
    events.insert(events.end(), {2450 + w, 0, w, 30 + w});
    event_shards.push_back(w % static_cast<uint64_t>(shards));
  }
  f.set_u64s("sim/events", events);
  f.set_u64s("sim/base_version", std::vector<uint64_t>(n * static_cast<uint64_t>(shards), 4));
  f.set_f64s("sim/loss", std::vector<double>(n, 2.0));
  const std::vector<float> gradients(n * params, 0.5f);
  f.set_floats("sim/gradients", gradients.data(), gradients.size());
  f.set_u64s("sim/waiting", {});
  f.set_u64s("sim/server_queue", {0});
  f.set_f64s("sim/compute_ms", {50.0, -1.0});
  if (shards > 1) {
    f.set_u64s("sim/event_shards", event_shards);
    f.set_u64s("sim/shard_clocks", std::vector<uint64_t>(2 * static_cast<size_t>(shards), 100));
    for (int s = 1; s < shards; ++s) {
      f.set_u64s("sim/shard" + std::to_string(s) + "/waiting", {});
      f.set_u64s("sim/shard" + std::to_string(s) + "/queue", {0});
    }
    std::vector<uint64_t> progress;
    for (uint64_t w = 0; w < n; ++w) progress.insert(progress.end(), {0, 2400, static_cast<uint64_t>(shards)});
    f.set_u64s("sim/worker_shards", progress);
  }
  return f;
}

SimCheckpointShape shape_of(int workers, int shards, size_t params) {
  SimCheckpointShape shape;
  shape.workers = workers;
  shape.shards = shards;
  shape.num_params = params;
  shape.shard_versions.assign(static_cast<size_t>(shards), 5);
  return shape;
}

TEST(CheckpointSections, AConsistentCheckpointReadsBack) {
  const CheckpointFile f = good_file(3, 2, 4);
  check_checkpoint_config(f, checkpoint_meaning(TrainConfig{}, false));
  EXPECT_EQ(checkpoint_time(f), 2.5);
  const HarnessSections h = read_harness_sections(f);
  ASSERT_EQ(h.rows.size(), 1u);
  EXPECT_EQ(h.rows[0].k, 3);
  EXPECT_EQ(h.rows[0].samples, 320u);
  EXPECT_EQ(h.delays.size(), 3 * Rng::kStateWords);
  const SimSections s = read_sim_sections(f, shape_of(3, 2, 4));
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[1].worker, 1);
  EXPECT_EQ(s.events[1].shard, 1);
  EXPECT_EQ(s.gradients.size(), 12u);
  EXPECT_EQ(s.server_queue, (std::vector<uint64_t>{0}));
  EXPECT_EQ(s.shard_queues[1], (std::vector<uint64_t>{0}));
}

TEST(CheckpointSections, TheConfigurationMustBeAFlatObjectOfThisRun) {
  const nlohmann::json now = checkpoint_meaning(TrainConfig{}, false);
  CheckpointFile f = good_file(1, 1, 1);
  f.set("meta/config", "[1, 2]");
  expect_error<CheckpointError>([&] { check_checkpoint_config(f, now); }, {"meta/config) is not a JSON object"});
  // Regression: a deeply nested value made the message that names the first
  // difference (nlohmann::json::dump) recurse once per level: a stack overflow.
  f.set("meta/config", "{\"lr\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  expect_error<CheckpointError>([&] { check_checkpoint_config(f, now); }, {"holds a nested value"});
  nlohmann::json other = now;
  other["lr"] = 0.5;
  f.set("meta/config", other.dump());
  expect_error<ConfigError>([&] { check_checkpoint_config(f, now); }, {"--lr (0.5 in the checkpoint"});
  f.set("meta/kind", "x");
  expect_error<CheckpointError>([&] { check_checkpoint_config(f, now); }, {"not a checkpoint of an hsgd run"});
}

TEST(CheckpointSections, TheTrainingTimeIsFiniteAndFitsVirtualNanoseconds) {
  // Regression: a NaN or huge meta/time went to llround (sim::to_ns) unchecked.
  CheckpointFile f = good_file(1, 1, 1);
  for (double t : {std::nan(""), -1.0, 1e300, double{INFINITY}}) {
    f.set_f64s("meta/time", {t});
    expect_error<CheckpointError>([&] { checkpoint_time(f); }, {"section 'meta/time'", "is no training time"});
  }
}

TEST(CheckpointSections, BrokenSectionsAreRefusedByName) {
  const auto refused = [](const std::function<void(CheckpointFile&)>& breaking, const std::string& message) {
    CheckpointFile f = good_file(3, 2, 4);
    breaking(f);
    expect_error<CheckpointError>(
        [&] {
          read_harness_sections(f);
          read_sim_sections(f, shape_of(3, 2, 4));
        },
        {message});
  };
  refused([](CheckpointFile& f) { f.set_u64s("harness/rows_u64", {1, 1, uint64_t{1} << 40, 0, 0, 1}); },
          "row 0 has K = 1099511627776");
  refused([](CheckpointFile& f) { f.set_u64s("sim/clock", {1, 2, 0, 0, 0, 0, 0, 40}); }, "its times are out of order");
  refused([](CheckpointFile& f) { f.set_u64s("sim/events", {2450, 0, 3, 1}); }, "event 0 is not a valid event");
  refused([](CheckpointFile& f) { f.set_u64s("sim/events", {2450, 9, 0, 1}); }, "event 0 is not a valid event");
  refused([](CheckpointFile& f) { f.set_u64s("sim/events", {2450, 0, 0, 40}); }, "event 0 is not a valid event");
  refused([](CheckpointFile& f) { f.set_u64s("sim/base_version", {4, 4, 4, 6, 4, 4}); }, "newer than the server's");
  refused([](CheckpointFile& f) { f.set_u64s("sim/server_queue", {0, 1, 2, 0}); }, "more entries than workers");
  refused([](CheckpointFile& f) { f.set_u64s("sim/waiting", {3}); }, "worker 3 does not exist");
  refused([](CheckpointFile& f) { f.set_f64s("sim/compute_ms", {std::nan(""), 1}); }, "compute time out of range");
  refused([](CheckpointFile& f) { f.set_u64s("sim/event_shards", {0, 2, 0}); }, "a shard this run does not have");
  refused([](CheckpointFile& f) { f.set_u64s("sim/shard1/queue", {5}); }, "section 'sim/shard1': worker 5");
  refused([](CheckpointFile& f) { f.set_u64s("sim/worker_shards", std::vector<uint64_t>(9, 3)); },
          "counts more shards than this run has");
  refused(
      [](CheckpointFile& f) {
        const float one = 1;
        f.set_floats("sim/gradients", &one, 1);
      },
      "sim/gradients");
}

TEST(CheckpointSections, SamplersAreRestoredAllOrNone) {
  BatchSampler a({0, 1, 2, 3}, 2, 1), b({4, 5, 6, 7}, 2, 2);
  BatchSampler a2({0, 1, 2, 3}, 2, 9), b2({4, 5, 6, 7}, 2, 8);
  a2.next();
  b2.next();
  std::vector<uint64_t> words(a2.state_words() + b2.state_words());
  a2.save_state(words.data());
  b2.save_state(words.data() + a2.state_words());
  CheckpointFile f;
  f.set_u64s("s", words);
  restore_sampler_states(f, "s", {{0, &a}, {1, &b}});
  EXPECT_EQ(a.next(), a2.next());
  EXPECT_EQ(b.next(), b2.next());
  // Worker 1's words name samples of worker 0's shard: refused, and worker 0 is left as it was.
  BatchSampler c({0, 1, 2, 3}, 2, 1), d({4, 5, 6, 7}, 2, 2);
  const BatchSampler c_before = c;
  const auto half = static_cast<std::ptrdiff_t>(a2.state_words());
  std::copy(words.begin(), words.begin() + half, words.begin() + half);
  f.set_u64s("s", words);
  expect_error<CheckpointError>([&] { restore_sampler_states(f, "s", {{0, &c}, {1, &d}}); },
                                {"section 's': worker 1: its sample order is not a permutation"});
  BatchSampler c_copy = c_before;
  EXPECT_EQ(c.next(), c_copy.next());
}

}  // namespace
}  // namespace hsgd
