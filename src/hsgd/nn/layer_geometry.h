// layer_geometry.h: the shapes a layer list runs at, worked out once for
// every user: each layer's input and output (channels x height x width) and
// where its weights sit in the flat parameter buffer. The hand-written network,
// the oneDNN network and the FLOP count (model_catalog.h) all read it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hsgd/nn/architecture.h"

namespace hsgd::nn {

struct Shape {
  int c = 0, h = 0, w = 0;
  size_t size() const { return static_cast<size_t>(c) * h * w; }
};

struct LayerGeometry {
  LayerSpec spec;
  Shape in, out;
  size_t weights = 0;  // offset of the layer's weights in the flat buffer (the bias follows)
};

struct NetworkGeometry {
  std::vector<LayerGeometry> layers;
  size_t num_params = 0;
  int classes = 0;  // the last layer's outputs
};

// The geometry of `layers` on `input` images. Throws InternalError (naming
// `name`) where a layer does not fit its input, or the list does not end in a
// linear layer.
NetworkGeometry layer_geometry(const std::string& name, const ImageShape& input, const std::vector<LayerSpec>& layers);

}  // namespace hsgd::nn
