// single_runtime.cc: see single_runtime.h. With one worker every mode is the
// same plain SGD (K = 1), so the loop is: compute, push (the PS applies at
// once), evaluate when due.
#include "hsgd/runtime/single_runtime.h"

#include <nlohmann/json.hpp>

#include "hsgd/common/stopwatch.h"
#include "hsgd/data/sharding.h"
#include "hsgd/worker/gradient_worker.h"

namespace hsgd {
namespace {

class SingleRuntime : public Runtime {
 public:
  void resolve(TrainConfig& config, bool) const override {
    config.ps.num_workers = 1;
    config.delay.distribution = DelayDistribution::kNone;
  }
  // One worker and no parameter server, computing in real time with every
  // core; training pauses while it evaluates, and it writes no checkpoints.
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.compares_modes = false;
    t.checkpoints = false;
    return t;
  }
  RunResult train(RunHarness& run) override;
};

RunResult SingleRuntime::train(RunHarness& run) {
  const TrainConfig& c = run.config();
  ParameterServer& ps = run.ps();
  const auto model = run.factory()(c.seed);
  GradientWorker worker(0, *model, run.data(), all_shards(run.data().train.size(), 1, c.seed)[0], c.batch_size,
                        c.seed);
  run.evaluate_start();
  Stopwatch wall, clock;  // clock: training time, paused while evaluating
  double next_eval = c.eval.every_seconds;
  while (!run.stopping()) {
    const uint64_t version = ps.version();
    const double loss = worker.compute(ps.params().data());
    const double now = clock.seconds();
    run.push(0, version, worker.gradient().data(), loss, now);
    run.check_time(now);
    if (now >= next_eval && !run.stopping()) {
      clock.pause();
      run.evaluate(now);
      clock.resume();
      while (next_eval <= now) next_eval += c.eval.every_seconds;
    }
    run.show_progress(now, wall.seconds());
  }
  return run.finish(clock.seconds(), {});
}

}  // namespace

std::unique_ptr<Runtime> make_single_runtime() { return std::make_unique<SingleRuntime>(); }

}  // namespace hsgd
