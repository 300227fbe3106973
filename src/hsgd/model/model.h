// model.h: the torch-free face of a neural network.
//
// Everything outside model/ sees a network only through this interface: its
// parameters and gradients are one contiguous float buffer (the thing the
// parameter server stores and exchanges), a gradient is computed on a
// minibatch, and a data set can be evaluated. Two implementations: the
// LibTorch reference (torch_model.cc, networks.cc and torchscript_model.cc
// are the only files of the program that include <torch/torch.h>)
// and the fast path (fast_model.cc over nn/fast_network.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hsgd/data/batch.h"
#include "hsgd/data/image_set.h"
#include "hsgd/model/model_catalog.h"

namespace hsgd {

struct Evaluation {
  double loss = 0;      // mean cross-entropy
  double accuracy = 0;  // fraction correct, in [0, 1]
  size_t samples = 0;

  // From the summed loss and the count of correct predictions over `samples`.
  static Evaluation of_sums(double loss_sum, size_t correct, size_t samples) {
    Evaluation e;
    e.samples = samples;
    if (samples > 0) {
      e.loss = loss_sum / static_cast<double>(samples);
      e.accuracy = static_cast<double>(correct) / static_cast<double>(samples);
    }
    return e;
  }
};

class Model {
 public:
  virtual ~Model() = default;

  virtual const std::string& name() const = 0;
  virtual size_t num_params() const = 0;
  virtual ImageShape input_shape() const = 0;
  // How many classes its output scores (labels must be below this).
  virtual int num_classes() const = 0;

  // Copies all parameters to / from `flat` (num_params() floats), in the
  // order of the network's parameter list.
  virtual void get_params(float* flat) const = 0;
  virtual void set_params(const float* flat) = 0;

  // Why this model cannot train on images of `shape` with `classes` classes
  // (a phrase following "model NAME "), or "" if it can. A model whose shapes
  // are only known by running it (TorchScript) probes itself here.
  virtual std::string fit_problem(const ImageShape& shape, int classes, const std::string& data_name) {
    if (!(input_shape() == shape))
      return "takes " + input_shape().to_string() + " images but data set " + data_name + " has " + shape.to_string() +
             " images";
    if (classes > num_classes())
      return "scores " + std::to_string(num_classes()) + " classes but data set " + data_name + " has " +
             std::to_string(classes);
    return "";
  }

  // Forward + backward on `batch` at the current parameters. Writes the
  // gradient of the mean loss to `grad` (num_params() floats) and returns the
  // mean loss.
  virtual double compute_gradient(const Batch& batch, float* grad) = 0;

  // The compute threads this model uses when called from the calling thread
  // (the evaluator thread's own count); by default the process's count.
  virtual void set_threads_of_this_thread(int /*threads*/) {}

  // Gradients that do not depend on the thread count (the simulator's
  // promise): the fast path then splits a batch into parts fixed by its size
  // alone, instead of one part per compute thread. Evaluations never depend on it.
  virtual void set_thread_independent(bool /*on*/) {}

  // Forward only, in minibatches of `batch_size` images, at the current parameters.
  virtual Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) = 0;
};

// Makes a fresh model whose weights come from `seed`. Runtimes take one so
// that the torch-free core never names LibTorch (tests pass a plain C++ model).
using ModelFactory = std::function<std::unique_ptr<Model>(uint64_t seed)>;

// Builds a model by name with weights initialised from `seed` (LibTorch's
// initialisation, whatever the back end); throws ConfigError for an unknown
// name. A catalog model or mlp:H1,... is sized for `data` (its classes; an
// MLP also its input: model_architecture); without data, the catalog's
// shapes. "torchscript:FILE" loads the user's module (its weights are the
// file's, whatever the seed; LibTorch only; fit_problem checks its shapes).
// Implemented in torch_model.cc.
std::unique_ptr<Model> make_model(const std::string& name, uint64_t seed,
                                  ModelBackend backend = ModelBackend::kAuto, const DataShape& data = {});


// The memory order of the reference path's conv weights and inputs (the
// values, and the flat buffer's layout, are the same either way). Channels-last
// measured no faster here (docs/performance.md), so make_model uses contiguous.
enum class TorchLayout { kContiguous, kChannelsLast };
std::unique_ptr<Model> make_torch_model(const std::string& name, uint64_t seed, TorchLayout layout);

// Sets the number of intra-op compute threads (torch::set_num_threads) for
// every thread of the process that computes with a Model.
void set_compute_threads(int threads);

// One line on the compute back end: LibTorch version, BLAS library, threads.
std::string compute_backend_summary();

}  // namespace hsgd
