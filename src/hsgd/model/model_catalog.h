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
  kAuto,   // kBackendRule
  kFast,   // nn/fast_network.h: hand-written kernels on the flat buffer
  kDnnl,   // nn/dnnl_network.h: oneDNN's primitives on the flat buffer
  kTorch,  // LibTorch: the reference path
};
template <>
struct EnumNames<ModelBackend> {
  static constexpr const char* kind = "backend";
  static constexpr std::pair<ModelBackend, const char*> values[] = {{ModelBackend::kAuto, "auto"},
                                                                    {ModelBackend::kFast, "fast"},
                                                                    {ModelBackend::kDnnl, "dnnl"},
                                                                    {ModelBackend::kTorch, "torch"}};
};

// What --backend auto picks, in words (help, hsgd info, summary.json, docs).
// Measured on AVX-512 and AVX2-only code paths (docs/performance.md, "Which
// back end auto picks"): oneDNN is the fastest for networks with a
// convolution of kDnnlConvChannels or more output channels, the hand-written
// kernels for the smaller ones (oneDNN's per-primitive cost dominates there).
constexpr int kDnnlConvChannels = 32;
constexpr const char* kBackendRule =
    "auto picks dnnl (oneDNN) for a network with a convolution of 32 or more output channels (mnist-cnn, "
    "cifar-cnn), fast (hand-written kernels) for the others (ray-tiny, lenet5, mlp), torch for a TorchScript "
    "module";

// The back end a model runs on and why.
struct BackendChoice {
  ModelBackend backend;
  std::string why;
};
// `backend` for this model: itself if not kAuto, else by kBackendRule.
BackendChoice choose_backend(const ModelInfo& model, ModelBackend backend);
// The choice for --model `name` (a TorchScript module: torch).
BackendChoice choose_backend(const std::string& name, ModelBackend backend);

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
// kFast, kDnnl or kTorch: what `backend` means for this model.
ModelBackend resolve_backend(const ModelInfo& model, ModelBackend backend);
// Floating-point operations of one training sample (forward, the weight
// gradients and the input deltas of every layer but the first; a multiply-add
// counts 2) in its convolutions and linear layers, the layers that do nearly
// all the arithmetic: what docs/performance.md rates kernels against.
double training_flops_per_sample(const ModelInfo& model);

// "mnist-cnn, cifar-cnn, ..." for messages
std::string model_names();
// One line per model, for help texts.
std::string model_names_help();

}  // namespace hsgd
