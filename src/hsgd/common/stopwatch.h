// stopwatch.h: a pausable monotonic timer (training time excludes evaluation).
#pragma once

#include <chrono>

namespace hsgd {

class Stopwatch {
 public:
  using Clock = std::chrono::steady_clock;
  Stopwatch() : start_(Clock::now()) {}
  // Starts at `start_seconds` (a run resumed at that training time).
  explicit Stopwatch(double start_seconds)
      : start_(Clock::now()),
        accumulated_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(start_seconds))) {}

  double seconds() const {
    const auto run = running_ ? Clock::now() - start_ : Clock::duration::zero();
    return std::chrono::duration<double>(accumulated_ + run).count();
  }
  void pause() {
    if (!running_) return;
    accumulated_ += Clock::now() - start_;
    running_ = false;
  }
  void resume() {
    if (running_) return;
    start_ = Clock::now();
    running_ = true;
  }

 private:
  Clock::time_point start_;
  Clock::duration accumulated_ = Clock::duration::zero();
  bool running_ = true;
};

}  // namespace hsgd
