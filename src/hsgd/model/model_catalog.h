// model_catalog.h: the names of the models hsgd can build, torch-free, so
// that options are checked before LibTorch builds anything (make_model in
// model.h builds them).
#pragma once

#include <string>
#include <vector>

namespace hsgd {

struct ModelInfo {
  const char* name;
  const char* description;
};

const std::vector<ModelInfo>& model_catalog();
bool is_known_model(const std::string& name);
// "mnist-cnn, cifar-cnn, ..." for messages
std::string model_names();
// One line per model, for help texts.
std::string model_names_help();

}  // namespace hsgd
