// snapshot_evaluator.cc
#include "hsgd/runtime/snapshot_evaluator.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"

namespace hsgd {

namespace {

// `count` distinct indices below `size`, drawn from `seed` (a partial Fisher-Yates shuffle).
std::vector<size_t> draw_subset(size_t size, size_t count, uint64_t seed) {
  std::vector<size_t> all(size);
  std::iota(all.begin(), all.end(), size_t{0});
  Rng rng(seed ^ 0x65766c2d73756273ULL);  // its own stream: "evl-subs"
  for (size_t i = 0; i < count; ++i) std::swap(all[i], all[i + rng.uniform_int(size - i)]);
  all.resize(count);
  return all;
}

}  // namespace

SnapshotEvaluator::SnapshotEvaluator(std::unique_ptr<Model> model, const Dataset& data, int eval_batch,
                                     bool background, RowCallback on_row, int64_t samples, uint64_t seed)
    : model_(std::move(model)), data_(data), eval_batch_(eval_batch), on_row_(std::move(on_row)) {
  if (samples > 0 && static_cast<size_t>(samples) < data.test.size())
    subset_ = data.test.subset(draw_subset(data.test.size(), static_cast<size_t>(samples), seed));
  if (background) thread_ = std::thread([this] { loop(); });
}

SnapshotEvaluator::~SnapshotEvaluator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotEvaluator::evaluate(Snapshot& s) {
  model_->set_params(s.params.data());
  const ImageSet& set = uses_subset() ? subset_ : data_.test;
  const Evaluation e = model_->evaluate(set, data_.normalization, static_cast<size_t>(eval_batch_));
  s.row.test_loss = e.loss;
  s.row.test_accuracy = e.accuracy;
  on_row_(s.row);
}

void SnapshotEvaluator::submit(Snapshot snapshot) {
  if (!thread_.joinable()) {
    evaluate(snapshot);
    ++done_;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(snapshot));
  }
  cv_.notify_all();
}

void SnapshotEvaluator::evaluate_now(Snapshot snapshot) {
  HSGD_CHECK(done_ == 0 && pending() == 0, "evaluate_now() after snapshots were submitted");
  evaluate(snapshot);
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
}

void SnapshotEvaluator::loop() {
  // Nice 10 for this thread only (Linux: per-thread priority): evaluation
  // takes the CPU the workers leave idle.
  tid_ = syscall(SYS_gettid);
  setpriority(PRIO_PROCESS, static_cast<id_t>(tid_.load()), 10);
  // Every core: while the workers compute, its threads (niced like it) take
  // only what they leave idle; while training pauses for it, the whole machine.
  model_->set_threads_of_this_thread(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  while (true) {
    Snapshot s;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      s = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    evaluate(s);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++done_;
      busy_ = false;
    }
    evaluated_.notify_all();
  }
}

size_t SnapshotEvaluator::unfinished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + (busy_ ? 1 : 0);
}

void SnapshotEvaluator::wait_until_unfinished_at_most(size_t n, const std::function<bool()>& give_up) {
  std::unique_lock<std::mutex> lock(mu_);
  while (queue_.size() + (busy_ ? 1 : 0) > n && !give_up())
    evaluated_.wait_for(lock, std::chrono::milliseconds(50));
}

void SnapshotEvaluator::finish() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  // Once training has stopped, evaluation may use the whole machine (raising
  // a priority back needs privileges; without them it just stays niced).
  if (tid_ != 0) setpriority(PRIO_PROCESS, static_cast<id_t>(tid_.load()), 0);
  thread_.join();
}

Evaluation SnapshotEvaluator::evaluate_whole_test_set(const std::vector<float>& params) {
  HSGD_CHECK(!thread_.joinable(), "evaluate_whole_test_set() before finish()");
  model_->set_threads_of_this_thread(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  model_->set_params(params.data());
  return model_->evaluate(data_.test, data_.normalization, static_cast<size_t>(eval_batch_));
}

size_t SnapshotEvaluator::discard_pending() {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t n = queue_.size();
  queue_.clear();
  return n;
}

size_t SnapshotEvaluator::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t SnapshotEvaluator::done() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_;
}

}  // namespace hsgd
