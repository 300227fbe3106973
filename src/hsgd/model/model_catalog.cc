// model_catalog.cc: see model_catalog.h.
#include "hsgd/model/model_catalog.h"

namespace hsgd {

const std::vector<ModelInfo>& model_catalog() {
  static const std::vector<ModelInfo> catalog = {
      {"mnist-cnn", "MNIST CNN, 582,026 parameters (2 conv + 2 fc)"},
      {"cifar-cnn", "CIFAR-10 CNN of the TensorFlow tutorial, 122,570 parameters"},
      {"ray-tiny", "Ray's parameter-server example net for MNIST, 1,960 parameters"},
      {"lenet5", "LeNet-5 for CIFAR-10, 62,006 parameters"},
      {"mlp", "MLP 20-64-10 for the synthetic data (--data synthetic), 1,994 parameters"},
  };
  return catalog;
}

bool is_known_model(const std::string& name) {
  for (const auto& m : model_catalog())
    if (name == m.name) return true;
  return false;
}

std::string model_names() {
  std::string names;
  for (const auto& m : model_catalog()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

std::string model_names_help() {
  std::string s;
  for (const auto& m : model_catalog()) s += std::string("\n  ") + m.name + ": " + m.description;
  return s;
}

}  // namespace hsgd
