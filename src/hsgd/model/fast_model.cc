// fast_model.cc: see fast_model.h. The parameters live in one vector that
// FastNetwork reads in place; get/set_params are one memcpy.
#include "hsgd/model/fast_model.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "hsgd/common/error.h"
#include "hsgd/nn/fast_network.h"

namespace hsgd {
namespace {

// Evaluation feeds the network at most this many images at a time, so that
// its activations stay in cache whatever the evaluation batch size.
constexpr size_t kScoreChunk = 128;

class FastModel final : public Model {
 public:
  FastModel(const ModelInfo& info, std::vector<float> params)
      : info_(info), name_(info.name), network_(info), params_(std::move(params)) {
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
    return network_.gradient(params_.data(), batch.images.data(), batch.labels.data(), batch.size(), grad);
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) override {
    batch_size = std::max<size_t>(1, std::min(batch_size, kScoreChunk));
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
  const ModelInfo& info_;
  std::string name_;
  nn::FastNetwork network_;
  std::vector<float> params_;
  std::vector<size_t> indices_;  // evaluation scratch, reused
  Batch batch_;
};

}  // namespace

std::unique_ptr<Model> make_fast_model(const ModelInfo& info, std::vector<float> params) {
  return std::make_unique<FastModel>(info, std::move(params));
}

}  // namespace hsgd
