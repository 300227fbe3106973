// sgd_test.cc: the flat-buffer SGD step matches torch.optim.SGD's arithmetic.
#include "hsgd/optim/sgd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace hsgd {
namespace {

TEST(Sgd, PlainStep) {
  std::vector<float> p = {1.0f, -2.0f}, g = {0.5f, 1.0f};
  Sgd sgd(2, {0.1, 0.0, 0.0, false});
  sgd.step(p.data(), g.data());
  EXPECT_FLOAT_EQ(p[0], 0.95f);
  EXPECT_FLOAT_EQ(p[1], -2.1f);
  EXPECT_TRUE(sgd.momentum_buffer().empty());
}

TEST(Sgd, WeightDecayAddsToTheGradient) {
  std::vector<float> p = {2.0f}, g = {0.0f};
  Sgd sgd(1, {0.5, 0.0, 0.1, false});
  sgd.step(p.data(), g.data());
  EXPECT_FLOAT_EQ(p[0], 2.0f - 0.5f * 0.2f);
}

TEST(Sgd, MomentumBufferStartsAtTheFirstGradient) {
  std::vector<float> p = {0.0f}, g = {1.0f};
  Sgd sgd(1, {0.1, 0.9, 0.0, false});
  sgd.step(p.data(), g.data());  // buf = 1, p = -0.1
  EXPECT_FLOAT_EQ(p[0], -0.1f);
  sgd.step(p.data(), g.data());  // buf = 1.9, p = -0.29
  EXPECT_FLOAT_EQ(p[0], -0.29f);
  EXPECT_FLOAT_EQ(sgd.momentum_buffer()[0], 1.9f);
}

TEST(Sgd, Nesterov) {
  std::vector<float> p = {0.0f}, g = {1.0f};
  Sgd sgd(1, {0.1, 0.9, 0.0, true});
  sgd.step(p.data(), g.data());  // buf = 1, p -= 0.1 * (1 + 0.9)
  EXPECT_FLOAT_EQ(p[0], -0.19f);
}

TEST(Sgd, LrScaleAppliesToOneStep) {
  std::vector<float> p = {0.0f}, g = {1.0f};
  Sgd sgd(1, {0.1, 0.0, 0.0, false});
  sgd.step(p.data(), g.data(), 0.5);
  EXPECT_FLOAT_EQ(p[0], -0.05f);
  sgd.step(p.data(), g.data());
  EXPECT_FLOAT_EQ(p[0], -0.15f);
}

// step() reports in its own pass whether the parameters stay finite, with
// and without momentum (the divergence check relies on it).
TEST(Sgd, StepSaysWhetherTheParametersStayFinite) {
  for (const double momentum : {0.0, 0.9}) {
    std::vector<float> p(20, 1.0f), g(20, 1.0f);
    Sgd sgd(20, {0.1, momentum, 0.0, false});
    EXPECT_TRUE(sgd.step(p.data(), g.data())) << momentum;
    g[17] = 3e38f;
    EXPECT_FALSE(sgd.step(p.data(), g.data(), 1e3)) << momentum;  // p[17] overflows to -Inf
    EXPECT_TRUE(std::isinf(p[17]));
  }
}

}  // namespace
}  // namespace hsgd
