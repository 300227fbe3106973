// fast_model.cc: see fast_model.h. The parameters live in one vector that
// FastNetwork reads in place; get/set_params are one memcpy. With more than
// one compute thread, a network of matrix-product layers splits each batch
// into one contiguous part per thread, each run by its own replica of the
// network (OpenMP), and the parts' mean gradients are combined weighted by
// their sizes: the same split, and so the same result, at every call.
#include "hsgd/model/fast_model.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>

#include "hsgd/common/error.h"
#include "hsgd/nn/fast_network.h"

namespace hsgd {
namespace {

// Evaluation feeds the network at most this many images at a time, so that
// its activations stay in cache whatever the evaluation batch size: few for
// the direct kernels (lenet5 on CIFAR-10: 16 images of conv1 output fill
// 300 KB, one core's L2), more for matrix products, which want wide operands.
constexpr size_t kScoreChunkDirect = 16;
constexpr size_t kScoreChunkGemm = 128;

// A batch is split only into parts of at least this many samples.
constexpr size_t kMinPartSamples = 16;

// How many parts the calling thread splits a batch of n samples into: its
// OpenMP thread count (set_compute_threads), where the layers are large.
int parts_for(const nn::FastNetwork& network, size_t n) {
#ifdef _OPENMP
  if (!network.uses_gemm_convolutions()) return 1;
  return static_cast<int>(std::clamp<size_t>(n / kMinPartSamples, 1, static_cast<size_t>(omp_get_max_threads())));
#else
  (void)network, (void)n;
  return 1;
#endif
}

class FastModel final : public Model {
 public:
  FastModel(const ModelInfo& info, std::vector<float> params, nn::ConvKernels kernels)
      : info_(info), name_(info.name), kernels_(kernels), network_(info, kernels), params_(std::move(params)) {
    HSGD_CHECK(params_.size() == network_.num_params(), name_, ": ", params_.size(), " initial parameters for ",
               network_.num_params());
  }

  const std::string& name() const override { return name_; }
  size_t num_params() const override { return params_.size(); }
  ImageShape input_shape() const override { return info_.input; }
  int num_classes() const override { return network_.num_classes(); }
  void get_params(float* flat) const override { std::memcpy(flat, params_.data(), params_.size() * sizeof(float)); }
  void set_params(const float* flat) override { std::memcpy(params_.data(), flat, params_.size() * sizeof(float)); }

  double compute_gradient(const Batch& batch, float* grad) override {
    HSGD_CHECK(batch.shape == info_.input, name_, ": batch of shape ", batch.shape.to_string());
    const int parts = parts_for(network_, batch.size());
    if (parts == 1) return network_.gradient(params_.data(), batch.images.data(), batch.labels.data(), batch.size(), grad);
    return split_gradient(batch, grad, parts);
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) override {
    const size_t chunk = network_.uses_gemm_convolutions() ? kScoreChunkGemm : kScoreChunkDirect;
    batch_size = std::max<size_t>(1, std::min(batch_size, chunk));
    indices_.resize(batch_size);
    double loss_sum = 0;
    size_t correct = 0;
    for (size_t start = 0; start < set.size(); start += batch_size) {
      const size_t count = std::min(batch_size, set.size() - start);
      std::iota(indices_.begin(), indices_.begin() + count, start);
      fill_batch(set, norm, indices_.data(), count, batch_);
      network_.score(params_.data(), batch_.images.data(), batch_.labels.data(), count, &loss_sum, &correct);
    }
    return Evaluation::of_sums(loss_sum, correct, set.size());
  }

 private:
  // Part t is samples [n t / parts, n (t + 1) / parts); part 0 writes its
  // gradient to `grad`, the others to their own buffers.
  double split_gradient(const Batch& batch, float* grad, int parts) {
    while (replicas_.size() + 1 < static_cast<size_t>(parts)) {
      replicas_.push_back(std::make_unique<nn::FastNetwork>(info_, kernels_));
      part_grads_.emplace_back(params_.size());
    }
    const size_t n = batch.size(), pixels = batch.shape.pixels();
    losses_.resize(static_cast<size_t>(parts));
    weights_.resize(static_cast<size_t>(parts));
    double* losses = losses_.data();
    float* weights = weights_.data();
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int t = 0; t < parts; ++t) {
      const size_t begin = n * t / parts, end = n * (t + 1) / parts;
      nn::FastNetwork& net = t == 0 ? network_ : *replicas_[t - 1];
      float* out = t == 0 ? grad : part_grads_[t - 1].data();
      losses[t] = net.gradient(params_.data(), batch.images.data() + begin * pixels, batch.labels.data() + begin,
                               end - begin, out);
      weights[t] = static_cast<float>(end - begin) / static_cast<float>(n);
    }
    const size_t count = params_.size();
#pragma omp parallel for num_threads(parts) schedule(static)
    for (size_t i = 0; i < count; ++i) {
      float g = weights[0] * grad[i];
      for (int t = 1; t < parts; ++t) g += weights[t] * part_grads_[t - 1][i];
      grad[i] = g;
    }
    double loss = 0;
    for (int t = 0; t < parts; ++t) loss += losses[t] * weights[t];
    return loss;
  }

  const ModelInfo info_;  // a copy: a data-sized architecture lives nowhere else
  std::string name_;
  nn::ConvKernels kernels_;
  nn::FastNetwork network_;
  std::vector<float> params_;
  std::vector<size_t> indices_;  // evaluation scratch, reused
  Batch batch_;
  std::vector<std::unique_ptr<nn::FastNetwork>> replicas_;  // parts 1.. of a split batch
  std::vector<std::vector<float>> part_grads_;               // their gradients
  std::vector<double> losses_;                               // each part's mean loss
  std::vector<float> weights_;                               // each part's share of the batch
};

}  // namespace

std::unique_ptr<Model> make_fast_model(const ModelInfo& info, std::vector<float> params, nn::ConvKernels kernels) {
  return std::make_unique<FastModel>(info, std::move(params), kernels);
}

}  // namespace hsgd
