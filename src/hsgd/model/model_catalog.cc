// model_catalog.cc: see model_catalog.h. Parameter counts are checked by tests.
#include "hsgd/model/model_catalog.h"

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
        linear(512, 10)},
       true},
      {"cifar-cnn",
       "CIFAR-10 CNN of the TensorFlow tutorial, 122,570 parameters",
       {3, 32, 32},
       {conv(3, 32, 3), relu(), pool(2), conv(32, 64, 3), relu(), pool(2), conv(64, 64, 3), relu(),
        linear(1024, 64), relu(), linear(64, 10)},
       true},
      {"ray-tiny",
       "Ray's parameter-server example net for MNIST, 1,960 parameters",
       {1, 28, 28},
       {conv(1, 3, 3), pool(3), relu(), linear(192, 10)},
       true},
      {"lenet5",
       "LeNet-5 for CIFAR-10, 62,006 parameters",
       {3, 32, 32},
       {conv(3, 6, 5), relu(), pool(2), conv(6, 16, 5), relu(), pool(2), linear(400, 120), relu(), linear(120, 84),
        relu(), linear(84, 10)},
       true},
      {"mlp",
       "MLP 20-64-10 for the synthetic data (--data synthetic), 1,994 parameters",
       {1, 1, 20},
       {linear(20, 64), relu(), linear(64, 10)},
       true},
  };
  return catalog;
}

const ModelInfo* find_model(const std::string& name) {
  for (const auto& m : model_catalog())
    if (name == m.name) return &m;
  return nullptr;
}

bool is_torchscript_model(const std::string& name) {
  const std::string prefix = kTorchScriptPrefix;
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0;
}

bool is_known_model(const std::string& name) { return find_model(name) != nullptr || is_torchscript_model(name); }

ModelBackend resolve_backend(const ModelInfo& model, ModelBackend backend) {
  if (backend != ModelBackend::kAuto) return backend;
  return model.fast_by_default ? ModelBackend::kFast : ModelBackend::kTorch;
}

std::string model_names() {
  std::string names;
  for (const auto& m : model_catalog()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names + ", torchscript:FILE.pt";
}

std::string model_names_help() {
  std::string s;
  for (const auto& m : model_catalog()) s += std::string("\n  ") + m.name + ": " + m.description;
  s += "\n  torchscript:FILE.pt: your own TorchScript module, images (N x C x H x W) to logits; its weights are "
       "the file's (docs/models.md)";
  return s;
}

}  // namespace hsgd
