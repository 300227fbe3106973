// compute_slots.h: ComputeSlots, the threads runtime's compute pool. Worker
// threads outnumber the cores (25 workers on 2 cores); a worker holds a slot
// while it computes a gradient, so at most `slots` gradients are computed at
// once, each at full speed on its own core, instead of every worker's thread
// sharing the cores by the kernel's time slices (and evicting each other's
// activations from the caches). Slots are granted in the order they were
// asked for, so no worker starves.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace hsgd {

class ComputeSlots {
 public:
  explicit ComputeSlots(int slots) : free_(slots < 1 ? 1 : slots) {}

  void acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t ticket = next_ticket_++;
    granted_.wait(lock, [&] { return ticket == next_served_ && free_ > 0; });
    ++next_served_;
    --free_;
    granted_.notify_all();  // the next ticket may find a free slot too
  }

  void release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    granted_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable granted_;
  int free_;
  uint64_t next_ticket_ = 0;  // the ticket the next caller of acquire() takes
  uint64_t next_served_ = 0;  // the ticket that may take the next free slot
};

}  // namespace hsgd
