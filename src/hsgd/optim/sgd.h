// sgd.h: stochastic gradient descent on flat float buffers (the PS's update rule).
//
// The same arithmetic as torch.optim.SGD with dampening 0:
//   d   = grad_scale * g + weight_decay * p
//   buf = d                      on the first step
//   buf = momentum * buf + d     afterwards
//   p  -= lr * (nesterov ? d + momentum * buf : buf)
// With momentum 0 no buffer is kept and the step is p -= lr * d.
#pragma once

#include <cstddef>
#include <vector>

namespace hsgd {

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

class Sgd {
 public:
  Sgd(size_t num_params, SgdOptions options);

  // One update of params with gradient grad * grad_scale (the parameter server
  // passes a sum of gradients with grad_scale = 1/count to take their mean);
  // lr_scale multiplies the learning rate for this step only. Returns whether
  // every updated parameter is finite (checked in the same pass).
  bool step(float* params, const float* grad, double lr_scale = 1.0, double grad_scale = 1.0);

  const SgdOptions& options() const { return options_; }
  size_t num_params() const { return n_; }
  // The momentum buffer (empty without momentum); checkpoints save it.
  std::vector<float>& momentum_buffer() { return buf_; }
  const std::vector<float>& momentum_buffer() const { return buf_; }
  // Whether a step has been taken (the first one sets the momentum buffer to
  // the gradient); checkpoints save it with the buffer.
  bool stepped() const { return !first_step_; }
  void set_stepped(bool stepped) { first_step_ = !stepped; }

 private:
  size_t n_;
  SgdOptions options_;
  std::vector<float> buf_;
  bool first_step_ = true;
};

}  // namespace hsgd
