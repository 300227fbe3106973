// torch_model.cc: the Model interface over a LibTorch Network (the reference
// path), and make_model, which draws every model's initial weights here.
//
// Parameters and gradients move between the network's tensors and one flat
// float buffer with one memcpy per tensor (no torch::cat, no allocation).
#include <torch/torch.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>

#include "hsgd/common/compute_threads.h"
#include "hsgd/common/error.h"
#include "hsgd/model/fast_model.h"
#include "hsgd/model/model.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/model/networks.h"
#include "hsgd/model/torch_steps.h"
#include "hsgd/model/torchscript_model.h"
#include "hsgd/nn/dnnl_network.h"

namespace hsgd {
namespace {

// The compute thread count set by set_compute_threads(). OpenMP keeps the
// count per thread, so every thread that computes applies it to itself once
// (a worker thread would otherwise start with one OpenMP thread per core).
std::atomic<int> g_compute_threads{0};
thread_local int t_compute_threads = 0;  // this thread's own count; 0: the process's

void apply_compute_threads_in_this_thread() {
  thread_local int applied = -1;
  const int wanted = t_compute_threads > 0 ? t_compute_threads : g_compute_threads.load();
  if (wanted > 0 && applied != wanted) {
    torch::set_num_threads(wanted);
    applied = wanted;
  }
}

class TorchModel final : public Model {
 public:
  TorchModel(std::string name, std::shared_ptr<Network> net, bool channels_last)
      : name_(std::move(name)), net_(std::move(net)), params_(net_->parameters()), channels_last_(channels_last) {
    torch::NoGradGuard no_grad;
    for (auto& p : params_) {
      HSGD_CHECK(p.is_contiguous() && p.scalar_type() == torch::kFloat, "parameter layout");
      num_params_ += static_cast<size_t>(p.numel());
      if (channels_last_ && p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }

  const std::string& name() const override { return name_; }
  // Every network ends with a Linear layer: its bias is the last parameter.
  int num_classes() const override { return static_cast<int>(params_.back().numel()); }
  void set_threads_of_this_thread(int threads) override {
    t_compute_threads = threads;
    apply_compute_threads_in_this_thread();
  }
  size_t num_params() const override { return num_params_; }
  ImageShape input_shape() const override { return net_->info().input; }

  // The flat buffer always holds the standard (contiguous) layout; a
  // channels-last weight is converted on the way in and out.
  void get_params(float* flat) const override {
    for (const auto& p : params_) {
      if (p.is_contiguous()) {
        std::memcpy(flat, p.data_ptr<float>(), p.numel() * sizeof(float));
      } else {
        const auto standard = p.contiguous();
        std::memcpy(flat, standard.data_ptr<float>(), p.numel() * sizeof(float));
      }
      flat += p.numel();
    }
  }

  void set_params(const float* flat) override {
    torch::NoGradGuard no_grad;
    for (auto& p : params_) {
      if (p.is_contiguous()) {
        std::memcpy(p.data_ptr<float>(), flat, p.numel() * sizeof(float));
      } else {
        p.copy_(torch::from_blob(const_cast<float*>(flat), p.sizes()));
      }
      flat += p.numel();
    }
  }

  double compute_gradient(const Batch& batch, float* grad) override {
    apply_compute_threads_in_this_thread();
    net_->train();
    net_->zero_grad(/*set_to_none=*/true);
    auto loss = torch::nn::functional::cross_entropy(net_->forward(input_tensor(batch)), torch_steps::labels_of(batch));
    loss.backward();
    torch_steps::copy_gradients(params_, grad);
    return loss.item<double>();
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) override {
    apply_compute_threads_in_this_thread();
    net_->eval();
    return torch_steps::evaluate(set, norm, batch_size, eval_batch_,
                                 [this](const Batch& b) { return net_->forward(input_tensor(b)); });
  }

 private:
  torch::Tensor input_tensor(const Batch& b) const {
    auto x = torch::from_blob(const_cast<float*>(b.images.data()),
                              {static_cast<int64_t>(b.size()), b.shape.channels, b.shape.height, b.shape.width},
                              torch::kFloat);
    return channels_last_ ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
  }

  std::string name_;
  std::shared_ptr<Network> net_;
  std::vector<torch::Tensor> params_;
  size_t num_params_ = 0;
  bool channels_last_;  // conv weights and inputs in NHWC memory order (the values are the same)
  Batch eval_batch_;
};

std::string loaded_blas_library() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    if (path.find("libblas") != std::string::npos || path.find("libopenblas") != std::string::npos)
      return path;
  }
  return "unknown";
}

std::unique_ptr<TorchModel> make_torch_network_model(const ModelInfo& info, uint64_t seed, TorchLayout layout) {
  std::shared_ptr<Network> net;
  {
    // torch's global generator is shared: seed and build under one lock so that
    // models built concurrently (one per worker thread) still get their seed's weights.
    static std::mutex init_mutex;
    std::lock_guard<std::mutex> lock(init_mutex);
    torch::manual_seed(seed);
    net = std::make_shared<Network>(info);
  }
  return std::make_unique<TorchModel>(info.name, std::move(net), layout == TorchLayout::kChannelsLast);
}

}  // namespace

std::unique_ptr<Model> make_torch_model(const std::string& name, uint64_t seed, TorchLayout layout) {
  return make_torch_network_model(model_architecture(name), seed, layout);
}

std::unique_ptr<Model> make_model(const std::string& name, uint64_t seed, ModelBackend backend, const DataShape& data) {
  if (is_torchscript_model(name)) {
    if (backend == ModelBackend::kFast || backend == ModelBackend::kDnnl)
      throw ConfigError(std::string("--backend ") + name_of(backend) + ": --model " + name +
                        " runs on LibTorch only (--backend auto or torch)");
    return make_torchscript_model(name.substr(std::string(kTorchScriptPrefix).size()));
  }
  const ModelInfo info = model_architecture(name, data);
  auto reference = make_torch_network_model(info, seed, TorchLayout::kContiguous);
  const ModelBackend resolved = resolve_backend(info, backend);
  if (resolved == ModelBackend::kTorch) return reference;
  std::vector<float> params(reference->num_params());
  reference->get_params(params.data());  // the fast path starts from LibTorch's initial weights
  return make_fast_model(info, std::move(params),
                         resolved == ModelBackend::kDnnl ? nn::ConvKernels::kDnnl : nn::ConvKernels::kAuto);
}

void set_compute_threads(int threads) {
  HSGD_CHECK(threads >= 1, "thread count ", threads);
  g_compute_threads = threads;
  set_process_compute_threads(threads);  // the fast path's count
  apply_compute_threads_in_this_thread();
}

std::string compute_backend_summary() {
  const std::string blas = loaded_blas_library();
  std::string s = "LibTorch " + std::string(TORCH_VERSION) + ", " +
                  std::to_string(torch::get_num_threads()) + " compute thread(s), BLAS " + blas + ", oneDNN " +
                  nn::DnnlNetwork::version() + " (" + nn::DnnlNetwork::isa() + ")";
  if (blas.find("openblas") == std::string::npos)
    s += " (warning: not OpenBLAS; install libopenblas0-openmp or training runs 3-6x slower)";
  return s;
}

}  // namespace hsgd
