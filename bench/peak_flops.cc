// peak_flops.cc: the machine's single-precision peak, measured: each thread
// runs independent fused multiply-adds (12 accumulators, enough to cover the
// FMA latency) on 256-bit (AVX2) and, where the CPU has it, 512-bit
// (AVX-512F) vectors, and the best rate is the peak that docs/performance.md
// quotes model FLOP rates against. It also prints the nominal peak from the
// cores, the clock /proc/cpuinfo reports and the vector width, and says how.
//
//   build/bench/hsgd_peak_flops [THREADS]     JSON on stdout
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr long kIterations = 20'000'000;  // per thread and run: about 0.1-0.2 s

// One loop per vector width, each compiled for its own instruction set.
#define HSGD_FMA_LOOP(VEC, SET, FMA)                                           \
  VEC acc[12];                                                                 \
  for (int i = 0; i < 12; ++i) acc[i] = SET(0.001f * static_cast<float>(i));   \
  const VEC a = SET(0.9999f), b = SET(1e-7f);                                  \
  for (long n = 0; n < iterations; ++n)                                        \
    for (auto& x : acc) x = FMA(x, a, b);                                      \
  float sink = 0;                                                              \
  for (auto& x : acc) sink += reinterpret_cast<float*>(&x)[0];                 \
  return sink;

__attribute__((target("avx2,fma"))) float run256(long iterations) {
  HSGD_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps)
}
__attribute__((target("avx512f"))) float run512(long iterations) {
  HSGD_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps)
}

// GFLOP/s of `threads` threads each running `run` (best of 3).
double measure(float (*run)(long), int lanes, int threads) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<std::thread> pool;
    std::vector<float> sinks(threads);
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { sinks[t] = run(kIterations); });
    for (auto& t : pool) t.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double flops = 2.0 * lanes * 12.0 * kIterations * threads;
    best = std::max(best, flops / s / 1e9);
    if (sinks[0] == 12345.f) std::puts("");  // keeps the loops alive
  }
  return best;
}

std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.compare(0, key.size(), key) == 0) return line.substr(line.find(':') + 2);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1 || threads > 1024) {
    std::fprintf(stderr, "threads: expected 1..1024, got %s\n", argv[1]);
    return 1;
  }
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const double one256 = measure(run256, 8, 1), all256 = measure(run256, 8, threads);
  const double one512 = avx512 ? measure(run512, 16, 1) : 0, all512 = avx512 ? measure(run512, 16, threads) : 0;
  const double mhz = std::atof(cpuinfo_field("cpu MHz").c_str());
  std::printf(
      "{\n  \"cpu\": \"%s\",\n  \"cpu_family\": %s,\n  \"cpu_model\": %s,\n  \"avx512f\": %s,\n  \"threads\": %d,\n"
      "  \"cpuinfo_mhz\": %.0f,\n  \"gflops_avx2_one_thread\": %.1f,\n  \"gflops_avx2_all_threads\": %.1f,\n"
      "  \"gflops_avx512_one_thread\": %.1f,\n  \"gflops_avx512_all_threads\": %.1f,\n"
      "  \"peak_gflops_measured\": %.1f,\n"
      "  \"how\": \"independent FMAs on 12 accumulators per thread, best of 3 runs and of the two vector widths; "
      "FLOPs = 2 per lane per FMA\"\n}\n",
      cpuinfo_field("model name").c_str(), cpuinfo_field("cpu family").c_str(), cpuinfo_field("model\t").c_str(),
      avx512 ? "true" : "false", threads, mhz, one256, all256, one512, all512, std::max(all256, all512));
  return 0;
}
