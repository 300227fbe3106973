// sgd.cc: the SGD step, written as simple loops the compiler vectorises.
#include "hsgd/optim/sgd.h"

#include "hsgd/common/cpu_dispatch.h"
#include "hsgd/common/finite.h"

namespace hsgd {

Sgd::Sgd(size_t num_params, SgdOptions options) : n_(num_params), options_(options) {
  if (options_.momentum != 0.0) buf_.assign(n_, 0.0f);
}

HSGD_HOT bool Sgd::step(float* __restrict params, const float* __restrict grad, double lr_scale, double grad_scale) {
  const float gs = static_cast<float>(grad_scale);
  const float lr = static_cast<float>(options_.lr * lr_scale);
  const float wd = static_cast<float>(options_.weight_decay);
  const float m = static_cast<float>(options_.momentum);
  uint32_t non_finite = 0;
  if (m == 0.0f) {
    for (size_t i = 0; i < n_; ++i) {
      params[i] -= lr * (gs * grad[i] + wd * params[i]);
      non_finite |= non_finite_bit(params[i]);
    }
    return non_finite == 0;
  }
  float* __restrict buf = buf_.data();
  const float keep = first_step_ ? 0.0f : m;  // first step: buf = d
  first_step_ = false;
  if (options_.nesterov) {
    for (size_t i = 0; i < n_; ++i) {
      const float d = gs * grad[i] + wd * params[i];
      buf[i] = keep * buf[i] + d;
      params[i] -= lr * (d + m * buf[i]);
      non_finite |= non_finite_bit(params[i]);
    }
  } else {
    for (size_t i = 0; i < n_; ++i) {
      const float d = gs * grad[i] + wd * params[i];
      buf[i] = keep * buf[i] + d;
      params[i] -= lr * buf[i];
      non_finite |= non_finite_bit(params[i]);
    }
  }
  return non_finite == 0;
}

}  // namespace hsgd
