// server_cost_bench.cc: hsgd's own parameter server, measured in the units of
// the simulator's cost model (docs/simulator.md), for every model of the
// catalog: G, the server's time per gradient received, and U, its time per
// update applied. These are the points where hsgd's real runtimes sit on the
// map of where hybrid pays (scripts/hybrid_map.py, docs/calibration.md).
//
//   G (threads)  = one buffered push (checks, staleness, add into the buffer)
//                  + the pull that follows it (a copy of the parameters),
//                  the work the threads runtime does under its lock per gradient
//   U            = (a round of K = 8 pushes, the last applying the update)
//                  / 1 - 8 buffered pushes: the SGD step over the buffer
//                  (plain SGD, sum), what hybrid and sync pay per update
//   async        = a push at K = 1 (applied at once, no buffer) + the pull:
//                  what async pays per gradient (hsgd's K = 1 path skips the
//                  buffer, so it is less than G + U)
// The MPI runtime adds the messages to G: hsgd_mpi_bench measures its round trip.
//
//   build/bench/hsgd_server_cost_bench [--json FILE] [--reps N]
// Medians over N repetitions of blocks of 32 pushes; one line per model, and the JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hsgd/common/rng.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/nn/fast_network.h"
#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/parameter_server.h"

namespace hsgd {
namespace {

using Clock = std::chrono::steady_clock;

struct Cost {
  std::string model;
  size_t params = 0;
  double push_ms = 0, pull_ms = 0, round8_push_ms = 0, async_push_ms = 0;
  double gradient_ms() const { return push_ms + pull_ms; }
  double update_ms() const { return std::max(0.0, 8 * (round8_push_ms - push_ms)); }
  double async_ms() const { return async_push_ms + pull_ms; }
};

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Milliseconds per push into a PS whose K is `k` (a huge K never applies).
double push_ms(size_t n, int k, int reps, const std::vector<float>& grad) {
  PsOptions options;
  options.mode = Mode::kHybrid;
  options.aggregation = Aggregation::kSum;
  options.num_workers = 1;
  options.sgd.lr = 1e-6;
  options.schedule = constant_schedule(k);
  std::vector<double> blocks;
  const int per_block = 32;
  for (int r = 0; r < reps; ++r) {
    ParameterServer ps(std::vector<float>(n, 0.5f), options);
    const auto start = Clock::now();
    for (int i = 0; i < per_block; ++i) ps.push(0, ps.version(), grad.data(), 0.0);
    blocks.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() / per_block);
  }
  return median(blocks);
}

double pull_ms(size_t n, int reps) {
  std::vector<float> from(n, 0.5f), to(n);
  std::vector<double> blocks;
  for (int r = 0; r < reps; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < 32; ++i) {
      std::memcpy(to.data(), from.data(), n * sizeof(float));
      from[i % n] += to[(i * 7) % n];  // keep the copies from being elided
    }
    blocks.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() / 32);
  }
  return median(blocks);
}

Cost measure(const ModelInfo& info, int reps) {
  Cost c;
  c.model = info.name;
  c.params = nn::FastNetwork(info).num_params();
  std::vector<float> grad(c.params);
  Rng rng(1);
  for (float& x : grad) x = static_cast<float>(rng.normal());
  c.push_ms = push_ms(c.params, 1 << 30, reps, grad);
  c.round8_push_ms = push_ms(c.params, 8, reps, grad);
  c.async_push_ms = push_ms(c.params, 1, reps, grad);
  c.pull_ms = pull_ms(c.params, reps);
  return c;
}

void write_json(const std::string& path, const std::vector<Cost>& costs, int reps) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "hsgd_server_cost_bench: cannot write %s\n", path.c_str());
    std::exit(1);
  }
  std::fprintf(f, "{\n  \"repetitions\": %d,\n  \"models\": [\n", reps);
  for (size_t i = 0; i < costs.size(); ++i) {
    const Cost& c = costs[i];
    std::fprintf(f,
                 "    {\"model\": \"%s\", \"params\": %zu, \"push_ms\": %.6g, \"pull_ms\": %.6g, "
                 "\"gradient_ms\": %.6g, \"update_ms\": %.6g, \"async_gradient_ms\": %.6g}%s\n",
                 c.model.c_str(), c.params, c.push_ms, c.pull_ms, c.gradient_ms(), c.update_ms(), c.async_ms(),
                 i + 1 < costs.size() ? "," : "");
  }
  std::fprintf(f, "  ]\n}\n");
  std::fclose(f);
}

}  // namespace
}  // namespace hsgd

int main(int argc, char** argv) {
  std::string json;
  int reps = 15;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json" && i + 1 < argc) json = argv[++i];
    else if (arg == "--reps" && i + 1 < argc) reps = std::max(3, std::min(1000, std::atoi(argv[++i])));
    else {
      std::fprintf(stderr, "usage: hsgd_server_cost_bench [--json FILE] [--reps N (3-1000)]\n");
      return 1;
    }
  }
  std::vector<hsgd::Cost> costs;
  std::printf("%-10s %9s %12s %12s %14s\n", "model", "params", "G (ms)", "U (ms)", "async (ms)");
  for (const auto& info : hsgd::model_catalog()) {
    costs.push_back(hsgd::measure(info, reps));
    const auto& c = costs.back();
    std::printf("%-10s %9zu %12.5f %12.5f %14.5f\n", c.model.c_str(), c.params, c.gradient_ms(), c.update_ms(),
                c.async_ms());
  }
  if (!json.empty()) hsgd::write_json(json, costs, reps);
  return 0;
}
