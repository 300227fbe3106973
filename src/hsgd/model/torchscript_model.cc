// torchscript_model.cc: a user's own network (--model torchscript:FILE.pt),
// a TorchScript module that maps a batch of images (N x C x H x W, floats) to
// logits (N x classes), behind the same Model interface as the built-in nets.
//
// Its parameters (every parameter of the module and its submodules, in the
// module's order) move through the flat buffer like a built-in network's, so
// the parameter server, the runtimes and checkpoints see no difference. The
// module's input and output shapes are checked against the data set before
// any training (fit_problem: a probe forward on two blank images). The
// weights are the file's: every seed starts from them. LibTorch reads the
// file; hsgd first checks that it is a regular file of at most 4 GiB.
#include <torch/script.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/model/model.h"
#include "hsgd/model/torch_steps.h"
#include "hsgd/model/torchscript_model.h"

namespace hsgd {
namespace {

constexpr uintmax_t kMaxTorchScriptBytes = uintmax_t{4} << 30;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

void check_file(const std::string& path, const std::string& option) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw ConfigError(option + ": no such file");
  if (!std::filesystem::is_regular_file(status)) throw ConfigError(option + ": not a regular file");
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  if (ec || bytes > kMaxTorchScriptBytes) throw ConfigError(option + ": larger than 4 GiB");
}

class TorchScriptModel final : public Model {
 public:
  explicit TorchScriptModel(const std::string& path) : name_(std::string(kTorchScriptPrefix) + path) {
    const std::string option = "--model " + name_;
    check_file(path, option);
    try {
      module_ = torch::jit::load(path, torch::kCPU);
    } catch (const std::exception& e) {
      throw ConfigError(option + ": not a TorchScript module LibTorch can load: " + first_line(e.what()));
    }
    for (const auto& p : module_.parameters()) {
      if (p.scalar_type() != torch::kFloat)
        throw ConfigError(option + ": a parameter is not float32 (hsgd exchanges float32 parameters)");
      auto param = p;
      if (!param.is_contiguous()) param.set_data(param.contiguous());
      param.requires_grad_(true);
      params_.push_back(param);
      num_params_ += static_cast<size_t>(param.numel());
    }
    if (num_params_ == 0) throw ConfigError(option + ": the module has no parameters to train");
  }

  const std::string& name() const override { return name_; }
  size_t num_params() const override { return num_params_; }
  ImageShape input_shape() const override { return shape_; }
  int num_classes() const override { return classes_; }

  void get_params(float* flat) const override {
    for (const auto& p : params_) {
      std::memcpy(flat, p.data_ptr<float>(), p.numel() * sizeof(float));
      flat += p.numel();
    }
  }

  void set_params(const float* flat) override {
    torch::NoGradGuard no_grad;
    for (auto& p : params_) {
      std::memcpy(p.data_ptr<float>(), flat, p.numel() * sizeof(float));
      flat += p.numel();
    }
  }

  // A probe forward on two blank images of the data set's shape: the module
  // must accept them and return 2 x classes logits.
  std::string fit_problem(const ImageShape& shape, int classes, const std::string& data_name) override {
    torch::NoGradGuard no_grad;
    module_.eval();
    torch::Tensor out;
    try {
      out = forward(torch::zeros({2, shape.channels, shape.height, shape.width}));
    } catch (const std::exception& e) {
      return "does not take " + shape.to_string() + " images (the data set " + data_name +
             "'s, as N x C x H x W): " + first_line(e.what());
    }
    if (out.dim() != 2 || out.size(0) != 2 || out.size(1) != classes)
      return "maps 2 images of " + shape.to_string() + " to a tensor of shape " + shape_text(out) + ", not [2, " +
             std::to_string(classes) + "] (logits for the " + std::to_string(classes) + " classes of data set " +
             data_name + ")";
    shape_ = shape;
    classes_ = classes;
    return "";
  }

  double compute_gradient(const Batch& batch, float* grad) override {
    module_.train();
    for (auto& p : params_) p.mutable_grad() = torch::Tensor();
    auto loss = torch::nn::functional::cross_entropy(forward(input_tensor(batch)), torch_steps::labels_of(batch));
    loss.backward();
    torch_steps::copy_gradients(params_, grad);
    return loss.item<double>();
  }

  Evaluation evaluate(const ImageSet& set, const Normalization& norm, size_t batch_size) override {
    module_.eval();
    return torch_steps::evaluate(set, norm, batch_size, eval_batch_,
                                 [this](const Batch& b) { return forward(input_tensor(b)); });
  }

 private:
  torch::Tensor forward(const torch::Tensor& x) {
    const torch::jit::IValue out = module_.forward({x});
    if (!out.isTensor()) throw ConfigError("--model " + name_ + ": forward() returned no tensor");
    return out.toTensor();
  }

  static torch::Tensor input_tensor(const Batch& b) {
    return torch::from_blob(const_cast<float*>(b.images.data()),
                            {static_cast<int64_t>(b.size()), b.shape.channels, b.shape.height, b.shape.width},
                            torch::kFloat);
  }

  std::string name_;
  torch::jit::Module module_;
  std::vector<torch::Tensor> params_;
  size_t num_params_ = 0;
  ImageShape shape_{};  // known once fit_problem() has accepted a data set
  int classes_ = 0;
  Batch eval_batch_;
};

}  // namespace

std::unique_ptr<Model> make_torchscript_model(const std::string& path) {
  return std::make_unique<TorchScriptModel>(path);
}

}  // namespace hsgd
