// model_catalog.cc: see model_catalog.h. Parameter counts are checked by tests.
#include "hsgd/model/model_catalog.h"

#include <algorithm>

#include "hsgd/common/error.h"
#include "hsgd/nn/layer_geometry.h"

namespace hsgd {
namespace {

LayerSpec conv(int in, int out, int kernel) { return {LayerKind::kConv, in, out, kernel}; }
LayerSpec pool(int kernel) { return {LayerKind::kMaxPool, 0, 0, kernel}; }
LayerSpec relu() { return {LayerKind::kRelu}; }
LayerSpec linear(int in, int out) { return {LayerKind::kLinear, in, out}; }

}  // namespace

const std::vector<ModelInfo>& model_catalog() {
  static const std::vector<ModelInfo> catalog = {
      {"mnist-cnn",
       "MNIST CNN, 582,026 parameters (2 conv + 2 fc)",
       {1, 28, 28},
       {conv(1, 32, 5), relu(), pool(2), conv(32, 64, 5), relu(), pool(2), linear(1024, 512), relu(),
        linear(512, 10)}},
      {"cifar-cnn",
       "CIFAR-10 CNN of the TensorFlow tutorial, 122,570 parameters",
       {3, 32, 32},
       {conv(3, 32, 3), relu(), pool(2), conv(32, 64, 3), relu(), pool(2), conv(64, 64, 3), relu(),
        linear(1024, 64), relu(), linear(64, 10)}},
      {"ray-tiny",
       "Ray's parameter-server example net for MNIST, 1,960 parameters",
       {1, 28, 28},
       {conv(1, 3, 3), pool(3), relu(), linear(192, 10)}},
      {"lenet5",
       "LeNet-5 for CIFAR-10, 62,006 parameters",
       {3, 32, 32},
       {conv(3, 6, 5), relu(), pool(2), conv(6, 16, 5), relu(), pool(2), linear(400, 120), relu(), linear(120, 84),
        relu(), linear(84, 10)}},
      {"mlp",
       "MLP F-64-C, its input width F and class count C from the data set (1,994 parameters for "
       "--data synthetic's 20 features and 10 classes); mlp:H1,H2,... for other hidden widths",
       {1, 1, 20},
       {linear(20, 64), relu(), linear(64, 10)}},
  };
  return catalog;
}

const ModelInfo* find_model(const std::string& name) {
  for (const auto& m : model_catalog())
    if (name == m.name) return &m;
  return nullptr;
}

bool is_mlp_spec(const std::string& name) { return name.compare(0, std::string(kMlpPrefix).size(), kMlpPrefix) == 0; }

namespace {

std::vector<int> parse_mlp_widths(const std::string& name) {
  const std::string bad = "--model " + name + ": mlp:H1[,H2,...] takes 1 to " + std::to_string(kMaxMlpLayers) +
                          " hidden widths, each a whole number in [1, " + std::to_string(kMaxMlpWidth) + "]";
  std::vector<int> widths;
  const std::string list = name.substr(std::string(kMlpPrefix).size()) + ",";
  size_t start = 0;
  for (size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
    const std::string item = list.substr(start, comma - start);
    if (item.empty() || item.size() > 5 || item.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError(bad);
    const int w = std::stoi(item);
    if (w < 1 || w > kMaxMlpWidth || static_cast<int>(widths.size()) == kMaxMlpLayers) throw ConfigError(bad);
    widths.push_back(w);
  }
  return widths;
}

ModelInfo mlp_architecture(const std::string& name) {
  const std::vector<int> widths = parse_mlp_widths(name);
  ModelInfo info{name, "MLP with hidden widths " + name.substr(std::string(kMlpPrefix).size()), {1, 1, 20}, {}};
  int in = 20;
  for (int w : widths) {
    info.layers.push_back(linear(in, w));
    info.layers.push_back(relu());
    in = w;
  }
  info.layers.push_back(linear(in, 10));
  return info;
}

}  // namespace

ModelInfo model_architecture(const std::string& name, const DataShape& data) {
  ModelInfo info;
  if (is_mlp_spec(name)) {
    info = mlp_architecture(name);
  } else if (const ModelInfo* found = find_model(name)) {
    info = *found;
  } else {
    throw ConfigError("unknown model '" + name + "'; expected one of: " + model_names());
  }
  if (data.classes <= 0) return info;
  info.layers.back().out = data.classes;  // every architecture ends with a linear layer
  if (info.layers.front().kind == LayerKind::kLinear && data.input.pixels() > 0) {
    info.input = data.input;
    info.layers.front().in = static_cast<int>(data.input.pixels());
  }
  return info;
}

bool is_torchscript_model(const std::string& name) {
  const std::string prefix = kTorchScriptPrefix;
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0;
}

bool is_known_model(const std::string& name) {
  return find_model(name) != nullptr || is_mlp_spec(name) || is_torchscript_model(name);
}

BackendChoice choose_backend(const ModelInfo& model, ModelBackend backend) {
  if (backend != ModelBackend::kAuto) return {backend, std::string("--backend ") + name_of(backend)};
  const bool large = std::any_of(model.layers.begin(), model.layers.end(), [](const LayerSpec& layer) {
    return layer.kind == LayerKind::kConv && layer.out >= kDnnlConvChannels;
  });
  return {large ? ModelBackend::kDnnl : ModelBackend::kFast,
          std::string("--backend auto: ") +
              (large ? "a convolution of 32 or more output channels: dnnl" : "no convolution of 32 or more output "
                                                                              "channels: fast")};
}

BackendChoice choose_backend(const std::string& name, ModelBackend backend) {
  if (is_torchscript_model(name))
    return {ModelBackend::kTorch, "a TorchScript module runs on LibTorch (--backend " + std::string(name_of(backend)) + ")"};
  return choose_backend(model_architecture(name), backend);
}

ModelBackend resolve_backend(const ModelInfo& model, ModelBackend backend) {
  return choose_backend(model, backend).backend;
}

double training_flops_per_sample(const ModelInfo& model) {
  double flops = 0;
  bool first = true;
  for (const nn::LayerGeometry& g : nn::layer_geometry(model.name, model.input, model.layers).layers) {
    const LayerSpec& l = g.spec;
    double forward = 0;
    if (l.kind == LayerKind::kConv)
      forward = 2.0 * l.out * l.in * l.kernel * l.kernel * g.out.h * g.out.w;
    else if (l.kind == LayerKind::kLinear)
      forward = 2.0 * l.out * l.in;
    if (forward == 0) continue;
    flops += forward * (first ? 2 : 3);  // forward, weight gradient, input delta (none for the first)
    first = false;
  }
  return flops;
}

std::string model_names() {
  std::string names;
  for (const auto& m : model_catalog()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names + ", mlp:H1[,H2,...], torchscript:FILE.pt";
}

std::string model_names_help() {
  std::string s;
  for (const auto& m : model_catalog()) s += std::string("\n  ") + m.name + ": " + m.description;
  s += "\n  mlp:H1[,H2,...]: an MLP with these hidden widths (1 to 8 of them, each in [1, 16384]), its input "
       "and classes from the data set, e.g. mlp:128,64";
  s += "\n  torchscript:FILE.pt: your own TorchScript module, images (N x C x H x W) to logits; its weights are "
       "the file's (docs/models.md)";
  return s;
}

}  // namespace hsgd
