// model_catalog.h: the models hsgd can build, torch-free: their names, and
// each one's architecture as a list of layers. Options are checked against
// it before LibTorch builds anything, and both back ends build from it:
//   torch  model/networks.cc builds LibTorch modules (the reference path)
//   fast   nn/fast_network.h runs the same layers on the flat parameter buffer
// Parameters are laid out as LibTorch registers them: per layer, the weight
// (conv: out x in x k x k; linear: out x in) and then the bias (out).
#pragma once

#include <string>
#include <vector>

#include "hsgd/common/enum_names.h"
#include "hsgd/data/image_set.h"
#include "hsgd/nn/architecture.h"

namespace hsgd {

// LayerKind, LayerSpec and ModelInfo: nn/architecture.h (below model/, so
// that nn/ needs nothing of model/).

// The data set a model is built for: its image shape and class count.
// classes = 0: none given (the catalog's own input and 10 classes).
struct DataShape {
  ImageShape input;
  int classes = 0;
};

// Which implementation computes a model's gradients and evaluations.
enum class ModelBackend {
  kAuto,   // fast where ModelInfo::fast_by_default, else torch
  kFast,   // nn/: hand-written kernels on the flat buffer, one thread, bit-reproducible
  kTorch,  // LibTorch: the reference path
};
template <>
struct EnumNames<ModelBackend> {
  static constexpr const char* kind = "backend";
  static constexpr std::pair<ModelBackend, const char*> values[] = {
      {ModelBackend::kAuto, "auto"}, {ModelBackend::kFast, "fast"}, {ModelBackend::kTorch, "torch"}};
};

// Every catalog model as listed, for 10 classes and its own input shape.
const std::vector<ModelInfo>& model_catalog();
// The catalog model of that name, or nullptr.
const ModelInfo* find_model(const std::string& name);

// "mlp:H1[,H2,...]": an MLP with these hidden widths (1 to kMaxMlpLayers of
// them, each in [1, kMaxMlpWidth]), its input and classes from the data set.
constexpr const char* kMlpPrefix = "mlp:";
constexpr int kMaxMlpLayers = 8;
constexpr int kMaxMlpWidth = 16384;
bool is_mlp_spec(const std::string& name);  // starts with "mlp:" (the widths are checked when it is built)

// The architecture model `name` (a catalog name or mlp:H1,...) takes for
// `data`: its last layer scores data.classes classes, and a model that starts
// with a linear layer (an MLP) takes the data's images, flattened. A
// convolutional model keeps its input shape (Model::fit_problem refuses other
// images). With data.classes = 0 the catalog's own shapes. Throws
// ConfigError for an unknown name or a bad mlp: spec.
ModelInfo model_architecture(const std::string& name, const DataShape& data = {});
// "torchscript:FILE": the user's own TorchScript module (model/torchscript_model.h).
constexpr const char* kTorchScriptPrefix = "torchscript:";
bool is_torchscript_model(const std::string& name);
// A catalog name, mlp:..., or torchscript:FILE with a non-empty FILE.
bool is_known_model(const std::string& name);
// kFast or kTorch: what `backend` means for this model.
ModelBackend resolve_backend(const ModelInfo& model, ModelBackend backend);
// "mnist-cnn, cifar-cnn, ..." for messages
std::string model_names();
// One line per model, for help texts.
std::string model_names_help();

}  // namespace hsgd
