// architecture.h: a network as a list of layers, the one description both
// back ends build from: nn/fast_network.h runs it on the flat parameter
// buffer, model/networks.cc builds LibTorch modules from it, and
// model/model_catalog.h names the architectures hsgd knows. It sits in nn/
// (below model/) so that nn/ includes nothing of model/: model/ uses nn/,
// never the other way round.
// Parameters are laid out as LibTorch registers them: per layer, the weight
// (conv: out x in x k x k; linear: out x in) and then the bias (out).
#pragma once

#include <string>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

enum class LayerKind {
  kConv,     // valid 2-D convolution, stride 1: in -> out channels, kernel x kernel
  kMaxPool,  // max over kernel x kernel windows, stride kernel, remainder dropped
  kRelu,
  kLinear,   // fully connected in -> out features (flattens its input)
};

struct LayerSpec {
  LayerKind kind;
  int in = 0;      // conv: input channels; linear: input features
  int out = 0;     // conv: output channels; linear: output features
  int kernel = 0;  // conv and max-pool
};

struct ModelInfo {
  std::string name;
  std::string description;
  ImageShape input;
  std::vector<LayerSpec> layers;
};

}  // namespace hsgd
