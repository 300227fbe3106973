// networks.h: the reference (LibTorch) implementation of the catalog's
// architectures (model_catalog.h), built layer by layer from the same list
// the fast path reads. A network maps a (batch, channels, height, width)
// float tensor to (batch, classes) logits.
// This header includes LibTorch: only model/ code, its tests and benchmarks use it.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "hsgd/model/model_catalog.h"

namespace hsgd {

class Network : public torch::nn::Module {
 public:
  explicit Network(ModelInfo info);
  torch::Tensor forward(torch::Tensor x);  // (B,C,H,W) -> (B,classes) logits
  const ModelInfo& info() const { return info_; }

 private:
  ModelInfo info_;
  std::vector<torch::nn::AnyModule> layers_;  // one per conv or linear layer spec, in order
};

// A fresh network of the catalog's model `name` (its own shapes),
// initialised from torch's global generator (the caller seeds it); nullptr
// for an unknown name.
std::shared_ptr<Network> make_network(const std::string& name);

}  // namespace hsgd
