// sim_bench.cc: simulated pushes per second of real time, with 1000 workers
// and a ~1,000-parameter model (softmax regression on 10x10 images, torch-free),
// so that what is measured is the simulator and the PS, not LibTorch.
//
//   build/bench/hsgd_sim_bench
// Reports items_per_second = gradients pushed (simulated) per real second, and
// events_per_overhead_s = events per real second of the simulator's own work
// (the run's summary.json: real time less gradient computation and evaluation).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/linear_model.h"
#include "tests/runtime_util.h"

namespace hsgd {
namespace {

Dataset tiny_images(size_t n, uint64_t seed) {
  Dataset ds;
  ds.name = "tiny";
  Rng rng(seed);
  for (ImageSet* set : {&ds.train, &ds.test}) {
    set->shape = {1, 10, 10};
    const size_t count = set == &ds.train ? n : 100;
    for (size_t i = 0; i < count; ++i) {
      const int label = static_cast<int>(rng.uniform_int(10));
      set->labels.push_back(static_cast<uint8_t>(label));
      for (int k = 0; k < 100; ++k) set->pixels.push_back(static_cast<uint8_t>(k % 10 == label ? 200 : rng.uniform_int(60)));
    }
  }
  ds.normalization = compute_normalization(ds.train);
  return ds;
}

// Args: workers, mode (0 async, 1 hybrid, 2 sync).
void SimulatedPushes(benchmark::State& state) {
  static const Dataset data = tiny_images(20000, 1);
  const Mode modes[] = {Mode::kAsync, Mode::kHybrid, Mode::kSync};
  TrainConfig c;
  c.runtime = RuntimeKind::kSim;
  c.model = "linear-10x10";
  c.ps.mode = modes[state.range(1)];
  c.schedule = "step:S=2000";
  c.ps.num_workers = static_cast<int>(state.range(0));
  c.batch_size = 4;
  c.budget.gradients = 200000;
  c.eval.every_seconds = 1e9;  // measure the simulator, not evaluation
  c.sim.compute_ms = 50;
  c.delay.distribution = DelayDistribution::kHalfNormal;
  c.threads = 1;
  c.out_dir = (std::filesystem::temp_directory_path() / "hsgd-sim-bench").string();
  const ModelFactory factory = [](uint64_t seed) {
    return std::make_unique<testing::LinearModel>(ImageShape{1, 10, 10}, seed);
  };
  uint64_t pushes = 0;
  double events_per_overhead_second = 0;
  for (auto _ : state) {
    const RunResult r = testing::run_sim(c, data, factory, nullptr);
    pushes += r.final_row().gradients;
    std::ifstream summary(std::filesystem::path(c.out_dir) / "summary.json");
    events_per_overhead_second = nlohmann::json::parse(summary)["simulator"]["events_per_overhead_second"];
  }
  state.SetItemsProcessed(static_cast<int64_t>(pushes));
  // The simulator's own rate: events per real second spent outside gradients and evaluation.
  state.counters["events_per_overhead_s"] = events_per_overhead_second;
  std::filesystem::remove_all(c.out_dir);
}

BENCHMARK(SimulatedPushes)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->ArgNames({"workers", "mode"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace hsgd

BENCHMARK_MAIN();
