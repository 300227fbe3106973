// model_bench.cc: forward+backward per minibatch for each model (batch 32 and
// 64, 1 and 2 threads) on each back end (auto, torch, torch with channels-last
// conv tensors, fast, dnnl), evaluation per back end, and the copies between a
// model and its flat buffer.
//
//   build/bench/hsgd_bench                      all
//   build/bench/hsgd_bench --benchmark_filter=FwdBwd/mnist-cnn
// Compare with PyTorch: scripts/bench_vs_pytorch.sh
#include <benchmark/benchmark.h>

#include <functional>

#include "hsgd/common/process_setup.h"
#include "hsgd/common/rng.h"
#include "hsgd/model/fast_model.h"
#include "hsgd/model/model.h"

namespace hsgd {
namespace {

Batch random_batch(const ImageShape& shape, size_t n) {
  Rng rng(1);
  Batch b;
  b.shape = shape;
  b.images.resize(n * shape.pixels());
  for (float& x : b.images) x = static_cast<float>(rng.normal());
  for (size_t i = 0; i < n; ++i) b.labels.push_back(static_cast<int64_t>(rng.uniform_int(10)));
  return b;
}

// Args: batch size, threads. What is timed: zero_grad + forward + loss +
// backward + gradient copy into the flat buffer (what a worker does per step).
void FwdBwd(benchmark::State& state, const std::function<std::unique_ptr<Model>()>& make) {
  set_compute_threads(static_cast<int>(state.range(1)));
  auto model = make();
  const Batch batch = random_batch(model->input_shape(), static_cast<size_t>(state.range(0)));
  std::vector<float> grad(model->num_params());
  for (int i = 0; i < 5; ++i) model->compute_gradient(batch, grad.data());  // warm-up
  for (auto _ : state) benchmark::DoNotOptimize(model->compute_gradient(batch, grad.data()));
  state.SetItemsProcessed(state.iterations() * state.range(0));  // samples/s
  if (const ModelInfo* info = find_model(model->name()); info != nullptr)
    state.counters["FLOPS"] = benchmark::Counter(training_flops_per_sample(*info) * static_cast<double>(state.range(0)),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// Evaluation of 2,000 images (batch 1,000), one thread: what the simulator
// does inline at every evaluation point.
void Evaluate(benchmark::State& state, const std::string& name, ModelBackend backend) {
  set_compute_threads(1);
  auto model = make_model(name, 1, backend);
  ImageSet set;
  set.shape = model->input_shape();
  Rng rng(2);
  set.pixels.resize(2000 * set.shape.pixels());
  for (auto& p : set.pixels) p = static_cast<uint8_t>(rng.uniform_int(256));
  set.labels.resize(2000);
  for (auto& l : set.labels) l = static_cast<uint8_t>(rng.uniform_int(10));
  const Normalization norm{std::vector<float>(set.shape.channels, 0.5f), std::vector<float>(set.shape.channels, 0.25f)};
  model->evaluate(set, norm, 1000);  // warm-up
  for (auto _ : state) benchmark::DoNotOptimize(model->evaluate(set, norm, 1000));
  state.SetItemsProcessed(state.iterations() * 2000);  // images/s
}

void CopyParamsOut(benchmark::State& state, const std::string& name) {
  set_compute_threads(1);
  auto model = make_model(name, 1);
  std::vector<float> flat(model->num_params());
  for (auto _ : state) {
    model->get_params(flat.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(flat.size() * sizeof(float)));
}

void CopyParamsIn(benchmark::State& state, const std::string& name) {
  set_compute_threads(1);
  auto model = make_model(name, 1);
  std::vector<float> flat(model->num_params(), 0.5f);
  for (auto _ : state) {
    model->set_params(flat.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(flat.size() * sizeof(float)));
}

int register_all() {
  for (const auto& m : model_catalog()) {
    const std::string name = m.name;
    const auto backends = {ModelBackend::kAuto, ModelBackend::kTorch, ModelBackend::kFast, ModelBackend::kDnnl};
    for (const auto backend : backends)
      benchmark::RegisterBenchmark(("FwdBwd/" + name + "/" + name_of(backend)).c_str(), FwdBwd,
                                   [name, backend] { return make_model(name, 1, backend); })
          ->ArgsProduct({{32, 64}, {1, 2}})
          ->ArgNames({"batch", "threads"})
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    for (const auto backend : backends)
      benchmark::RegisterBenchmark(("Evaluate/" + name + "/" + name_of(backend)).c_str(), Evaluate, name, backend)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    // The hand-written path with every convolution on one kind of kernel:
    // what its kAuto thresholds (nn/fast_network.h) were chosen from.
    for (const auto kernels : {nn::ConvKernels::kDirect, nn::ConvKernels::kGemm})
      benchmark::RegisterBenchmark(
          ("FwdBwd/" + name + "/fast-" + nn::kernels_name(kernels)).c_str(), FwdBwd,
          [&m, kernels] {
            auto reference = make_model(m.name, 1, ModelBackend::kTorch);
            std::vector<float> params(reference->num_params());
            reference->get_params(params.data());
            return make_fast_model(m, std::move(params), kernels);
          })
          ->ArgsProduct({{32, 64}, {1, 2}})
          ->ArgNames({"batch", "threads"})
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    if (m.layers.front().kind == LayerKind::kConv)
      benchmark::RegisterBenchmark(("FwdBwd/" + name + "/torch-channels-last").c_str(), FwdBwd,
                                   [name] { return make_torch_model(name, 1, TorchLayout::kChannelsLast); })
          ->ArgsProduct({{32, 64}, {1, 2}})
          ->ArgNames({"batch", "threads"})
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    benchmark::RegisterBenchmark(("CopyParamsOut/" + name).c_str(), CopyParamsOut, name)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("CopyParamsIn/" + name).c_str(), CopyParamsIn, name)->Unit(benchmark::kMicrosecond);
  }
  return 0;
}

}  // namespace
}  // namespace hsgd

int main(int argc, char** argv) {
  hsgd::tune_malloc_for_training();
  hsgd::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
