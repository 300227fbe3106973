// layer_geometry.cc: see layer_geometry.h.
#include "hsgd/nn/layer_geometry.h"

#include "hsgd/common/error.h"

namespace hsgd::nn {

NetworkGeometry layer_geometry(const std::string& name, const ImageShape& input, const std::vector<LayerSpec>& layers) {
  NetworkGeometry net;
  Shape shape{input.channels, input.height, input.width};
  for (const auto& spec : layers) {
    LayerGeometry g{spec, shape, shape, net.num_params};
    switch (spec.kind) {
      case LayerKind::kConv:
        HSGD_CHECK(spec.in == shape.c && spec.kernel <= shape.h && spec.kernel <= shape.w, name, ": conv input");
        g.out = {spec.out, shape.h - spec.kernel + 1, shape.w - spec.kernel + 1};
        net.num_params += static_cast<size_t>(spec.out) * spec.in * spec.kernel * spec.kernel + spec.out;
        break;
      case LayerKind::kMaxPool:
        HSGD_CHECK(spec.kernel >= 1 && spec.kernel <= shape.h && spec.kernel <= shape.w, name, ": pool size");
        g.out = {shape.c, shape.h / spec.kernel, shape.w / spec.kernel};
        break;
      case LayerKind::kRelu:
        break;
      case LayerKind::kLinear:
        HSGD_CHECK(static_cast<size_t>(spec.in) == shape.size(), name, ": linear input");
        g.out = {spec.out, 1, 1};
        net.num_params += static_cast<size_t>(spec.out) * spec.in + spec.out;
        break;
    }
    shape = g.out;
    net.layers.push_back(g);
  }
  HSGD_CHECK(!net.layers.empty() && net.layers.back().spec.kind == LayerKind::kLinear, name,
             ": ends in a linear layer");
  net.classes = shape.c;
  return net;
}

}  // namespace hsgd::nn
