// networks.cc: LibTorch modules for the catalog's layer lists (see networks.h).
// Layers with parameters are constructed in list order, so torch's default
// initialisation draws the same weights for a seed as the hand-written
// classes this replaced.
#include "hsgd/model/networks.h"

namespace hsgd {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

Network::Network(ModelInfo info) : info_(std::move(info)) {
  int convs = 0, linears = 0;
  for (const auto& l : info_.layers) {
    if (l.kind == LayerKind::kConv) {
      auto m = register_module("conv" + std::to_string(++convs), nn::Conv2d(nn::Conv2dOptions(l.in, l.out, l.kernel)));
      layers_.emplace_back(m);
    } else if (l.kind == LayerKind::kLinear) {
      auto m = register_module("fc" + std::to_string(++linears), nn::Linear(l.in, l.out));
      layers_.emplace_back(m);
    }
  }
}

torch::Tensor Network::forward(torch::Tensor x) {
  size_t next = 0;  // the next module in layers_
  for (const auto& l : info_.layers) {
    switch (l.kind) {
      case LayerKind::kConv:
        x = layers_[next++].forward(x);
        break;
      case LayerKind::kMaxPool:
        x = F::max_pool2d(x, F::MaxPool2dFuncOptions(l.kernel));
        break;
      case LayerKind::kRelu:
        x = torch::relu(x);
        break;
      case LayerKind::kLinear:
        x = layers_[next++].forward(x.dim() > 2 ? x.flatten(1) : x);
        break;
    }
  }
  return x;
}

std::shared_ptr<Network> make_network(const std::string& name) {
  const ModelInfo* info = find_model(name);
  return info ? std::make_shared<Network>(*info) : nullptr;
}

}  // namespace hsgd
