// event_queue.h: the simulator's events and their total order.
//
// Virtual time is an integer count of nanoseconds, so sums of durations are
// exact (20 steps of 100 ms end at exactly 2 s) and platform-independent.
//
// Tie-breaking rule (docs/simulator.md): events are ordered by
//   1. virtual time,
//   2. kind (the PS's events before an evaluation at the same time, so an
//      evaluation at t sees every gradient the PS has started by t),
//   3. worker id,
//   4. the order in which they were scheduled (a sharded push's slices are
//      scheduled in shard order, so they are handled in shard order).
// The order never depends on the host's threads or timing.
#pragma once

#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

namespace hsgd::sim {

enum class EventKind : int {
  kPushArrives = 0,   // a worker's gradient reaches the driver (with no driver: the PS)
  kAtServer = 1,      // ... has passed the driver and queues for the PS
  kServerFree = 2,    // the PS has finished a gradient and takes the next queued one
  kEvaluate = 3,      // an evaluation point
  kWorkerStarts = 4,  // a worker's first pull (--sim-start-s, --sim-start-spread-s)
};

using VirtualNs = int64_t;

inline VirtualNs to_ns(double seconds) { return static_cast<VirtualNs>(std::llround(seconds * 1e9)); }
inline double to_seconds(VirtualNs ns) { return static_cast<double>(ns) * 1e-9; }

struct Event {
  VirtualNs time;
  EventKind kind;
  int worker;    // -1 for evaluations
  uint64_t seq;  // scheduling order, the last tie-breaker
  int shard = 0;  // the server shard a push or a free server concerns (--servers S)
};

struct EventAfter {
  bool operator()(const Event& a, const Event& b) const {
    if (a.time != b.time) return a.time > b.time;
    if (a.kind != b.kind) return static_cast<int>(a.kind) > static_cast<int>(b.kind);
    if (a.worker != b.worker) return a.worker > b.worker;
    return a.seq > b.seq;
  }
};

class EventQueue {
 public:
  void schedule(VirtualNs time, EventKind kind, int worker, int shard = 0) {
    queue_.push({time, kind, worker, next_seq_++, shard});
  }
  bool empty() const { return queue_.empty(); }
  const Event& next() const { return queue_.top(); }
  Event pop() {
    Event e = queue_.top();
    queue_.pop();
    return e;
  }
  size_t size() const { return queue_.size(); }
  uint64_t next_seq() const { return next_seq_; }
  // Every pending event, in the queue's order (for checkpoints).
  std::vector<Event> contents() const {
    auto copy = queue_;
    std::vector<Event> out;
    out.reserve(copy.size());
    for (; !copy.empty(); copy.pop()) out.push_back(copy.top());
    return out;
  }
  // Replaces the queue with saved events and the saved sequence counter.
  void restore(const std::vector<Event>& events, uint64_t next_seq) {
    queue_ = {};
    for (const Event& e : events) queue_.push(e);
    next_seq_ = next_seq;
  }

 private:
  std::priority_queue<Event, std::vector<Event>, EventAfter> queue_;
  uint64_t next_seq_ = 0;
};

}  // namespace hsgd::sim
