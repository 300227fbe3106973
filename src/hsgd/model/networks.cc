// networks.cc: layer definitions of the four CNNs (see networks.h).
#include "hsgd/model/networks.h"

namespace hsgd {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

class MnistCnn : public Network {
 public:
  MnistCnn()
      : conv1_(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 32, 5)))),
        conv2_(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 5)))),
        fc1_(register_module("fc1", nn::Linear(1024, 512))),
        fc2_(register_module("fc2", nn::Linear(512, 10))) {}

  torch::Tensor forward(torch::Tensor x) override {
    x = F::max_pool2d(torch::relu(conv1_(x)), F::MaxPool2dFuncOptions(2));  // (B,32,12,12)
    x = F::max_pool2d(torch::relu(conv2_(x)), F::MaxPool2dFuncOptions(2));  // (B,64,4,4)
    x = torch::relu(fc1_(x.flatten(1)));                                    // (B,512)
    return fc2_(x);
  }
  ImageShape input_shape() const override { return {1, 28, 28}; }

 private:
  nn::Conv2d conv1_, conv2_;
  nn::Linear fc1_, fc2_;
};

class CifarCnn : public Network {
 public:
  CifarCnn()
      : conv1_(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(3, 32, 3)))),
        conv2_(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 3)))),
        conv3_(register_module("conv3", nn::Conv2d(nn::Conv2dOptions(64, 64, 3)))),
        fc1_(register_module("fc1", nn::Linear(1024, 64))),
        fc2_(register_module("fc2", nn::Linear(64, 10))) {}

  torch::Tensor forward(torch::Tensor x) override {
    x = F::max_pool2d(torch::relu(conv1_(x)), F::MaxPool2dFuncOptions(2));  // (B,32,15,15)
    x = F::max_pool2d(torch::relu(conv2_(x)), F::MaxPool2dFuncOptions(2));  // (B,64,6,6)
    x = torch::relu(conv3_(x));                                             // (B,64,4,4)
    x = torch::relu(fc1_(x.flatten(1)));                                    // (B,64)
    return fc2_(x);
  }
  ImageShape input_shape() const override { return {3, 32, 32}; }

 private:
  nn::Conv2d conv1_, conv2_, conv3_;
  nn::Linear fc1_, fc2_;
};

class RayTiny : public Network {
 public:
  RayTiny()
      : conv1_(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 3, 3)))),
        fc_(register_module("fc", nn::Linear(192, 10))) {}

  torch::Tensor forward(torch::Tensor x) override {
    x = torch::relu(F::max_pool2d(conv1_(x), F::MaxPool2dFuncOptions(3)));  // (B,3,8,8)
    return fc_(x.flatten(1));
  }
  ImageShape input_shape() const override { return {1, 28, 28}; }

 private:
  nn::Conv2d conv1_;
  nn::Linear fc_;
};

class LeNet5 : public Network {
 public:
  LeNet5()
      : conv1_(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(3, 6, 5)))),
        conv2_(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(6, 16, 5)))),
        fc1_(register_module("fc1", nn::Linear(400, 120))),
        fc2_(register_module("fc2", nn::Linear(120, 84))),
        fc3_(register_module("fc3", nn::Linear(84, 10))) {}

  torch::Tensor forward(torch::Tensor x) override {
    x = F::max_pool2d(torch::relu(conv1_(x)), F::MaxPool2dFuncOptions(2));  // (B,6,14,14)
    x = F::max_pool2d(torch::relu(conv2_(x)), F::MaxPool2dFuncOptions(2));  // (B,16,5,5)
    x = torch::relu(fc1_(x.flatten(1)));
    x = torch::relu(fc2_(x));
    return fc3_(x);
  }
  ImageShape input_shape() const override { return {3, 32, 32}; }

 private:
  nn::Conv2d conv1_, conv2_;
  nn::Linear fc1_, fc2_, fc3_;
};

// A small MLP for the paper's synthetic data (data/synthetic.h): 20 features
// stored as a 1x1x20 "image".
class SyntheticMlp : public Network {
 public:
  SyntheticMlp()
      : fc1_(register_module("fc1", nn::Linear(20, 64))), fc2_(register_module("fc2", nn::Linear(64, 10))) {}

  torch::Tensor forward(torch::Tensor x) override { return fc2_(torch::relu(fc1_(x.flatten(1)))); }
  ImageShape input_shape() const override { return {1, 1, 20}; }

 private:
  nn::Linear fc1_, fc2_;
};

}  // namespace

std::shared_ptr<Network> make_network(const std::string& name) {
  if (name == "mnist-cnn") return std::make_shared<MnistCnn>();
  if (name == "cifar-cnn") return std::make_shared<CifarCnn>();
  if (name == "ray-tiny") return std::make_shared<RayTiny>();
  if (name == "lenet5") return std::make_shared<LeNet5>();
  if (name == "mlp") return std::make_shared<SyntheticMlp>();
  return nullptr;
}

}  // namespace hsgd
