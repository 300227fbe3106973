// linear_model.h: a torch-free softmax-regression Model for tests of the core
// (parameter server, runtimes) that must build and run without LibTorch.
// Parameters: W (10 x pixels) then b (10), in one flat vector.
#pragma once

#include <cmath>
#include <cstring>
#include <numeric>

#include "hsgd/common/rng.h"
#include "hsgd/data/image_set.h"
#include "hsgd/model/model.h"

namespace hsgd::testing {

class LinearModel : public Model {
 public:
  LinearModel(ImageShape shape, uint64_t seed) : shape_(shape), params_(10 * shape.pixels() + 10) {
    Rng rng(seed);
    for (size_t i = 0; i < 10 * shape.pixels(); ++i) params_[i] = static_cast<float>(0.01 * rng.normal());
  }
  const std::string& name() const override { return name_; }
  size_t num_params() const override { return params_.size(); }
  ImageShape input_shape() const override { return shape_; }
  int num_classes() const override { return 10; }
  void get_params(float* flat) const override { std::memcpy(flat, params_.data(), params_.size() * sizeof(float)); }
  void set_params(const float* flat) override { std::memcpy(params_.data(), flat, params_.size() * sizeof(float)); }

  double compute_gradient(const Batch& batch, float* grad) override {
    std::memset(grad, 0, params_.size() * sizeof(float));
    const size_t p = shape_.pixels();
    double loss = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      const float* x = batch.images.data() + i * p;
      double prob[10];
      softmax(x, prob);
      loss -= std::log(std::max(prob[batch.labels[i]], 1e-30));
      for (int c = 0; c < 10; ++c) {
        const float d = static_cast<float>((prob[c] - (c == batch.labels[i] ? 1.0 : 0.0)) / batch.size());
        for (size_t k = 0; k < p; ++k) grad[c * p + k] += d * x[k];
        grad[10 * p + c] += d;
      }
    }
    return loss / batch.size();
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t) override {
    Evaluation e;
    Batch b;
    for (size_t i = 0; i < set.size(); ++i) {
      fill_batch(set, norm, &i, 1, b);
      double prob[10];
      softmax(b.images.data(), prob);
      e.loss -= std::log(std::max(prob[set.labels[i]], 1e-30));
      e.accuracy += (std::max_element(prob, prob + 10) - prob) == set.labels[i] ? 1 : 0;
    }
    e.samples = set.size();
    e.loss /= set.size();
    e.accuracy /= set.size();
    return e;
  }

 private:
  void softmax(const float* x, double* prob) const {
    const size_t p = shape_.pixels();
    double max_logit = -1e300;
    for (int c = 0; c < 10; ++c) {
      double z = params_[10 * p + c];
      for (size_t k = 0; k < p; ++k) z += params_[c * p + k] * x[k];
      prob[c] = z;
      max_logit = std::max(max_logit, z);
    }
    double sum = 0;
    for (int c = 0; c < 10; ++c) sum += (prob[c] = std::exp(prob[c] - max_logit));
    for (int c = 0; c < 10; ++c) prob[c] /= sum;
  }

  std::string name_ = "linear";
  ImageShape shape_;
  std::vector<float> params_;
};

// A learnable data set of 1x4x4 images: class c lights pixel c (plus noise).
inline Dataset blobs_dataset(size_t train, size_t test, uint64_t seed) {
  Dataset ds;
  ds.name = "blobs";
  Rng rng(seed);
  for (ImageSet* set : {&ds.train, &ds.test}) {
    set->shape = {1, 4, 4};
    const size_t n = set == &ds.train ? train : test;
    for (size_t i = 0; i < n; ++i) {
      const int label = static_cast<int>(rng.uniform_int(10));
      set->labels.push_back(static_cast<uint8_t>(label));
      for (int k = 0; k < 16; ++k)
        set->pixels.push_back(static_cast<uint8_t>(k == label ? 200 + rng.uniform_int(56) : rng.uniform_int(80)));
    }
  }
  ds.normalization = compute_normalization(ds.train);
  return ds;
}

inline ModelFactory linear_factory() {
  return [](uint64_t seed) { return std::make_unique<LinearModel>(ImageShape{1, 4, 4}, seed); };
}

}  // namespace hsgd::testing
