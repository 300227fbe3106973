// compute_slots.h: ComputeSlots, the threads runtime's compute pool. Worker
// threads outnumber the cores (25 workers on 2 cores); a worker holds a slot
// while it computes a gradient, so at most `slots` gradients are computed at
// once, each at full speed on its own core, on the slot's own model replica
// (one per core, warm in the caches), instead of every worker's thread sharing
// the cores by the kernel's time slices with a replica of its own. Slots are
// granted in the order they were asked for, so no worker starves.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <vector>

namespace hsgd {

class ComputeSlots {
 public:
  explicit ComputeSlots(int slots) : size_(slots < 1 ? 1 : slots), free_(static_cast<size_t>(size_)) {
    std::iota(free_.begin(), free_.end(), 0);
  }

  int size() const { return size_; }

  // Waits for a free slot; returns its index, in [0, size()).
  int acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t ticket = next_ticket_++;
    granted_.wait(lock, [&] { return ticket == next_served_ && !free_.empty(); });
    ++next_served_;
    const int slot = free_.back();
    free_.pop_back();
    granted_.notify_all();  // the next ticket may find a free slot too
    return slot;
  }

  void release(int slot) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(slot);
    }
    granted_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable granted_;
  const int size_;
  std::vector<int> free_;  // the free slots
  uint64_t next_ticket_ = 0;  // the ticket the next caller of acquire() takes
  uint64_t next_served_ = 0;  // the ticket that may take the next free slot
};

}  // namespace hsgd
