// delay_model.h: injected delays, as in the paper: a seeded share of the
// workers waits a random time before each push.
//
//   none         no delay
//   half-normal  |N(0, scale)| seconds (the paper: scale 0.25 on 50% of workers)
//   exponential  Exp(mean = scale) seconds
//   fixed        scale seconds
// Which workers are delayed is drawn once from the seed. Each worker draws
// from its own stream, so its n-th delay is the same however the runtime
// interleaves workers (the simulator depends on that).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/common/rng.h"
#include "hsgd/config/run_options.h"

namespace hsgd {

class DelayModel {
 public:
  DelayModel(const DelayOptions& options, int workers, uint64_t seed);

  bool delayed(int worker) const { return delayed_[worker] != 0; }
  int delayed_count() const;
  // The next delay of `worker`, in seconds (0 for a worker that is not delayed).
  double next(int worker);
  std::string describe() const;

  // Every worker's stream, for checkpoints (Rng::kStateWords values each).
  std::vector<uint64_t> save_state() const;
  // Returns what is wrong with a saved state (empty when it was taken).
  std::string restore_state(const std::vector<uint64_t>& words);

 private:
  DelayOptions options_;
  std::vector<char> delayed_;
  std::vector<Rng> streams_;
};

}  // namespace hsgd
