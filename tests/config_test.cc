// config_test.cc: each bad TrainConfig value gets a message naming it and its range.
#include "hsgd/config/train_config.h"

#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;

TrainConfig valid() {
  TrainConfig c;
  c.budget.epochs = 1;
  return c;
}

TEST(TrainConfig, DefaultsWithABudgetAreValid) { EXPECT_NO_THROW(valid().validate()); }

TEST(TrainConfig, EachBadValueIsNamed) {
  struct Case {
    void (*mutate)(TrainConfig&);
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {[](TrainConfig& c) { c.batch_size = 0; }, {"--batch-size = 0", "in [1, 8192]"}},
      {[](TrainConfig& c) { c.ps.sgd.lr = 0; }, {"--lr = 0", "in (0, 1000000]"}},
      {[](TrainConfig& c) { c.ps.sgd.lr = -0.1; }, {"--lr = -0.1"}},
      {[](TrainConfig& c) { c.ps.sgd.momentum = 1; }, {"--momentum = 1", "in [0, 1)"}},
      {[](TrainConfig& c) { c.ps.sgd.weight_decay = -1; }, {"--weight-decay"}},
      {[](TrainConfig& c) { c.budget.epochs = -1; }, {"--epochs = -1"}},
      {[](TrainConfig& c) { c.eval.every_seconds = 0; }, {"--eval-every"}},
      {[](TrainConfig& c) { c.eval.target_accuracy = 98.5; }, {"--target-accuracy = 98.5", "in [0, 1]"}},
      {[](TrainConfig& c) { c.threads = -2; }, {"--threads = -2"}},
      {[](TrainConfig& c) { c.ps.sgd.nesterov = true; }, {"--nesterov needs --momentum"}},
      {[](TrainConfig& c) { c.budget.epochs = 0; }, {"no training budget"}},
      {[](TrainConfig& c) {
         c.ps.wait = WaitPolicy::kApplied;
         c.schedule = "step:Kmax=30";
       },
       {"--schedule step:Kmax=30 reaches K = 30 > 25 workers", "--wait none"}},
  };
  for (const auto& k : cases) {
    TrainConfig c = valid();
    k.mutate(c);
    expect_error<ConfigError>([&] { c.validate(); }, k.fragments);
  }
}

TEST(TrainConfig, SerialisesEveryField) {
  const nlohmann::json j = valid();
  for (const char* key : {"data", "model", "batch_size", "lr", "momentum", "epochs", "seconds", "updates", "gradients", "seed", "mode", "workers", "schedule",
                          "threads", "eval_every", "sim_speeds", "delay_scale"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["epochs"], 1.0);
}

}  // namespace
}  // namespace hsgd
