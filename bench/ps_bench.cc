// ps_bench.cc: the parameter server's aggregate + apply step against this
// machine's memcpy bandwidth, in one binary (no LibTorch).
//
// One "round" is K pushes of mnist-cnn-sized gradients (582,026 floats) into
// the buffer followed by the update they trigger. Bytes moved are counted as
// the memory traffic the code must do:
//   push:  read the gradient twice (finite check, then add) + read and write
//          the accumulator                                   = 4 x 4n bytes
//   apply: read accumulator and parameters, write parameters, zero the
//          accumulator (+ read and write the momentum buffer) = 4 (6) x 4n bytes
// memcpy of 4n bytes moves 2 x 4n (read + write). The target: the
// round's bytes/s >= 50% of memcpy's over the same working set (Memcpy/buffers:25).
//
//   build/bench/hsgd_ps_bench
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "hsgd/common/rng.h"
#include "hsgd/ps/parameter_server.h"

namespace hsgd {
namespace {

constexpr size_t kMnistCnnParams = 582026;

// Arg: number of distinct source buffers. With 1 the copy runs in cache; with
// 25 it streams 58 MB from memory, the same working set as K = 25 gradients,
// which is the fair reference for AggregateApply/K:25.
void Memcpy(benchmark::State& state) {
  const int sources = static_cast<int>(state.range(0));
  std::vector<std::vector<float>> src(sources, std::vector<float>(kMnistCnnParams, 1.0f));
  std::vector<float> dst(kMnistCnnParams);
  for (auto _ : state) {
    for (const auto& s : src) std::memcpy(dst.data(), s.data(), s.size() * sizeof(float));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * sources * int64_t{2} * int64_t(kMnistCnnParams * sizeof(float)));
}

// Args: K, momentum (0/1).
void AggregateApply(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const bool momentum = state.range(1) != 0;
  PsOptions options;
  options.mode = Mode::kHybrid;
  options.num_workers = k;
  options.sgd.lr = 1e-4;
  options.sgd.momentum = momentum ? 0.9 : 0.0;
  options.schedule = constant_schedule(k);
  ParameterServer ps(std::vector<float>(kMnistCnnParams, 0.5f), options);
  std::vector<std::vector<float>> grads(k, std::vector<float>(kMnistCnnParams));
  Rng rng(1);
  for (auto& g : grads)
    for (float& x : g) x = static_cast<float>(rng.normal());
  for (auto _ : state) {
    for (int w = 0; w < k; ++w) ps.push(w, ps.version(), grads[w].data(), 0.0);
  }
  const int64_t n_bytes = int64_t(kMnistCnnParams * sizeof(float));
  state.SetBytesProcessed(state.iterations() * n_bytes * (4 * k + (momentum ? 6 : 4)));
  state.counters["updates"] = static_cast<double>(ps.version());
}

BENCHMARK(Memcpy)->Arg(1)->Arg(25)->ArgName("buffers")->Unit(benchmark::kMicrosecond);
BENCHMARK(AggregateApply)->ArgsProduct({{1, 25}, {0, 1}})->ArgNames({"K", "momentum"})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hsgd

BENCHMARK_MAIN();
