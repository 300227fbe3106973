// fast_model.cc: see fast_model.h. The parameters live in one vector that the
// network reads in place; get/set_params are one memcpy. A network with large
// layers (oneDNN's, or matrix-product convolutions) splits each batch into
// parts: one per compute thread of the caller (common/compute_threads.h), or,
// thread-independent (the simulator), parts of kPartSamples, a number fixed by
// the batch size alone. Each part runs on one thread, by its own replica of
// the network, and the parts' mean gradients are combined in their order,
// weighted by their sizes. Evaluation scores fixed chunks, each on one thread,
// and adds their sums in order, so it never depends on the thread count.
#include "hsgd/model/fast_model.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>

#include "hsgd/common/compute_threads.h"
#include "hsgd/common/error.h"
#include "hsgd/nn/dnnl_network.h"
#include "hsgd/nn/fast_network.h"
#include "hsgd/nn/one_thread.h"

namespace hsgd {
namespace {

// Evaluation feeds the network at most this many images at a time, so that
// its activations stay in cache whatever the evaluation batch size: few for
// the direct kernels (lenet5 on CIFAR-10: 16 images of conv1 output fill
// 300 KB, one core's L2), more for large layers, which want wide operands.
constexpr size_t kScoreChunkDirect = 16;
constexpr size_t kScoreChunkLarge = 128;

// Thread-independent: a split batch has parts of this many samples (the last
// takes the rest); one part per thread otherwise, of at least kMinPartSamples.
constexpr size_t kPartSamples = 32;
constexpr size_t kMinPartSamples = 16;

std::unique_ptr<nn::Network> make_network(const ModelInfo& info, nn::ConvKernels kernels) {
  if (kernels == nn::ConvKernels::kDnnl) return std::make_unique<nn::DnnlNetwork>(info);
  return std::make_unique<nn::FastNetwork>(info, kernels);
}

bool has_large_layers(const ModelInfo& info, nn::ConvKernels kernels) {
  return kernels == nn::ConvKernels::kDnnl || nn::FastNetwork(info, kernels).uses_gemm_convolutions();
}

class FastModel final : public Model {
 public:
  FastModel(const ModelInfo& info, std::vector<float> params, nn::ConvKernels kernels)
      : info_(info), name_(info.name), kernels_(kernels), large_(has_large_layers(info, kernels)),
        params_(std::move(params)) {
    networks_.push_back(make_network(info_, kernels_));
    HSGD_CHECK(params_.size() == networks_[0]->num_params(), name_, ": ", params_.size(), " initial parameters for ",
               networks_[0]->num_params());
  }

  const std::string& name() const override { return name_; }
  size_t num_params() const override { return params_.size(); }
  ImageShape input_shape() const override { return info_.input; }
  int num_classes() const override { return networks_[0]->num_classes(); }
  void get_params(float* flat) const override { std::memcpy(flat, params_.data(), params_.size() * sizeof(float)); }
  void set_params(const float* flat) override { std::memcpy(params_.data(), flat, params_.size() * sizeof(float)); }

  double compute_gradient(const Batch& batch, float* grad) override {
    HSGD_CHECK(batch.shape == info_.input, name_, ": batch of shape ", batch.shape.to_string());
    const size_t parts = parts_for(batch.size());
    if (parts == 1) {
      nn::OneOmpThread one;
      return networks_[0]->gradient(params_.data(), batch.images.data(), batch.labels.data(), batch.size(), grad);
    }
    return split_gradient(batch, grad, parts);
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) override;

  void set_threads_of_this_thread(int threads) override { set_this_thread_compute_threads(threads); }
  void set_thread_independent(bool on) override { thread_independent_ = on; }

 private:
  // Threads for `tasks` independent tasks: the calling thread's compute threads, at most one per task.
  static int threads_for(size_t tasks) {
    return static_cast<int>(std::clamp<size_t>(tasks, 1, static_cast<size_t>(compute_threads())));
  }

  size_t parts_for(size_t n) const {
    if (!large_) return 1;
    if (thread_independent_) return std::max<size_t>(1, n / kPartSamples);
    return std::clamp<size_t>(n / kMinPartSamples, 1, static_cast<size_t>(compute_threads()));
  }

  void ensure_networks(size_t count) {
    while (networks_.size() < count) networks_.push_back(make_network(info_, kernels_));
  }

  // Part t is samples [n t / parts, n (t + 1) / parts); part 0 writes its
  // gradient to `grad`, the others to their own buffers.
  double split_gradient(const Batch& batch, float* grad, size_t parts) {
    ensure_networks(parts);
    while (part_grads_.size() + 1 < parts) part_grads_.emplace_back(params_.size());
    const size_t n = batch.size(), pixels = batch.shape.pixels();
    losses_.resize(parts);
    weights_.resize(parts);
    const int threads = threads_for(parts);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t t = 0; t < parts; ++t) {
      nn::OneOmpThread one;
      const size_t begin = n * t / parts, end = n * (t + 1) / parts;
      float* out = t == 0 ? grad : part_grads_[t - 1].data();
      losses_[t] = networks_[t]->gradient(params_.data(), batch.images.data() + begin * pixels,
                                          batch.labels.data() + begin, end - begin, out);
      weights_[t] = static_cast<float>(end - begin) / static_cast<float>(n);
    }
    const size_t count = params_.size();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < count; ++i) {
      float g = weights_[0] * grad[i];
      for (size_t t = 1; t < parts; ++t) g += weights_[t] * part_grads_[t - 1][i];
      grad[i] = g;
    }
    double loss = 0;
    for (size_t t = 0; t < parts; ++t) loss += losses_[t] * weights_[t];
    return loss;
  }

  // One evaluation thread's buffers.
  struct ScoreScratch {
    std::vector<size_t> indices;
    Batch batch;
  };

  const ModelInfo info_;  // a copy: a data-sized architecture lives nowhere else
  std::string name_;
  nn::ConvKernels kernels_;
  bool large_;  // batches split into parts; evaluation in large chunks
  bool thread_independent_ = false;
  std::vector<float> params_;
  std::vector<std::unique_ptr<nn::Network>> networks_;  // [t]: part t of a split batch, evaluation thread t
  std::vector<std::vector<float>> part_grads_;          // parts 1..'s gradients
  std::vector<double> losses_;                          // each part's mean loss
  std::vector<float> weights_;                          // each part's share of the batch
  std::vector<ScoreScratch> scratch_;                   // per evaluation thread
  std::vector<double> chunk_loss_;                      // per evaluation chunk
  std::vector<size_t> chunk_correct_;
};

// Chunks are scored on the calling thread's OpenMP threads, each chunk on
// one; their sums are added in chunk order, so the result does not depend on
// the thread count.
Evaluation FastModel::evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) {
  const size_t chunk = std::max<size_t>(1, std::min(batch_size, large_ ? kScoreChunkLarge : kScoreChunkDirect));
  const size_t chunks = (set.size() + chunk - 1) / chunk;
  const int threads = threads_for(chunks);
  ensure_networks(static_cast<size_t>(threads));
  scratch_.resize(std::max(scratch_.size(), static_cast<size_t>(threads)));
  chunk_loss_.assign(chunks, 0.0);
  chunk_correct_.assign(chunks, 0);
#pragma omp parallel num_threads(threads)
  {
    nn::OneOmpThread one;
    const int t = omp_get_thread_num();
    ScoreScratch& s = scratch_[t];
    s.indices.resize(chunk);
#pragma omp for schedule(static)
    for (size_t c = 0; c < chunks; ++c) {
      const size_t start = c * chunk, count = std::min(chunk, set.size() - start);
      std::iota(s.indices.begin(), s.indices.begin() + count, start);
      fill_batch(set, norm, s.indices.data(), count, s.batch);
      networks_[t]->score(params_.data(), s.batch.images.data(), s.batch.labels.data(), count, &chunk_loss_[c],
                          &chunk_correct_[c]);
    }
  }
  double loss_sum = 0;
  size_t correct = 0;
  for (size_t c = 0; c < chunks; ++c) loss_sum += chunk_loss_[c], correct += chunk_correct_[c];
  return Evaluation::of_sums(loss_sum, correct, set.size());
}

}  // namespace

std::unique_ptr<Model> make_fast_model(const ModelInfo& info, std::vector<float> params, nn::ConvKernels kernels) {
  return std::make_unique<FastModel>(info, std::move(params), kernels);
}

}  // namespace hsgd
