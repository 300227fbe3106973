// networks.h: the CNNs hsgd trains, as LibTorch modules.
//
// Each network maps a (batch, channels, height, width) float tensor to
// (batch, 10) logits. Parameter counts (checked by tests):
//   mnist-cnn  582,026   conv 1->32 5x5, ReLU, pool 2, conv 32->64 5x5, ReLU, pool 2,
//                        fc 1024->512, ReLU, fc 512->10
//   cifar-cnn  122,570   conv 3->32 3x3, ReLU, pool 2, conv 32->64 3x3, ReLU, pool 2,
//                        conv 64->64 3x3, ReLU, fc 1024->64, ReLU, fc 64->10
//   ray-tiny     1,960   conv 1->3 3x3, pool 3, ReLU, fc 192->10 (Ray's PS example)
//   lenet5      62,006   conv 3->6 5x5, ReLU, pool 2, conv 6->16 5x5, ReLU, pool 2,
//                        fc 400->120, ReLU, fc 120->84, ReLU, fc 84->10
//   mlp          1,994   fc 20->64, ReLU, fc 64->10 (the paper's synthetic data, 1x1x20)
// This header includes LibTorch: only model/ code, its tests and benchmarks use it.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "hsgd/data/image_set.h"

namespace hsgd {

class Network : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;  // (B,C,H,W) -> (B,10) logits
  virtual ImageShape input_shape() const = 0;
};

// A fresh network by name, initialised from torch's global generator (the
// caller seeds it); nullptr for an unknown name.
std::shared_ptr<Network> make_network(const std::string& name);

}  // namespace hsgd
