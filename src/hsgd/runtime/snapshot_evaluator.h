// snapshot_evaluator.h: evaluates parameter snapshots on the test set, in the
// order they were taken, without stopping the workers.
//
// A runtime takes a snapshot (the committed parameters and the counters of
// that moment) at each evaluation point and submits it. In background mode a
// low-priority thread evaluates the queue, so evaluation uses idle CPU; when
// the workers leave none, the queue grows, and the run harness pauses training
// (off the clock) until it has caught up (wait_until_unfinished_at_most), so
// at most two snapshots are ever held. The row keeps the snapshot's time, so
// evaluation time never counts as training time and every mode's curve has
// the same time points. In inline mode (single, sim) submit() evaluates at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "hsgd/data/image_set.h"
#include "hsgd/metrics/run_metrics.h"
#include "hsgd/model/model.h"

namespace hsgd {

struct Snapshot {
  MetricsRow row;  // counters filled in; test_loss and test_accuracy are computed here
  std::vector<float> params;
};

class SnapshotEvaluator {
 public:
  using RowCallback = std::function<void(const MetricsRow&)>;
  // samples > 0 (below the test set's size): rows evaluate that many test
  // images, drawn once from `seed` without replacement; else every one.
  SnapshotEvaluator(std::unique_ptr<Model> model, const Dataset& data, int eval_batch, bool background,
                    RowCallback on_row, int64_t samples = 0, uint64_t seed = 0);
  ~SnapshotEvaluator();

  void submit(Snapshot snapshot);
  // Evaluates on the calling thread now, before the first submit (the
  // starting point of a run, evaluated before the workers start so it takes
  // no CPU from training).
  void evaluate_now(Snapshot snapshot);
  // Evaluates everything still queued and stops the thread.
  void finish();
  // Whether rows use a subset of the test set (and how many images they use).
  bool uses_subset() const { return subset_.size() > 0; }
  size_t row_samples() const { return uses_subset() ? subset_.size() : data_.test.size(); }
  // `params` on the whole test set, on the calling thread (after finish()).
  Evaluation evaluate_whole_test_set(const std::vector<float>& params);
  // Drops the snapshots not yet evaluated (a run stopped by a signal must
  // write its metrics quickly); returns how many.
  size_t discard_pending();
  size_t pending() const;
  size_t done() const;
  // Snapshots submitted and not yet evaluated (queued or being evaluated).
  size_t unfinished() const;
  // Blocks until at most `n` snapshots are unfinished, or `give_up()` is true
  // (checked every 50 ms).
  void wait_until_unfinished_at_most(size_t n, const std::function<bool()>& give_up);

 private:
  void evaluate(Snapshot& s);
  void loop();

  std::unique_ptr<Model> model_;
  const Dataset& data_;
  int eval_batch_;
  ImageSet subset_;  // the rows' test images, when a subset
  RowCallback on_row_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Snapshot> queue_;
  std::condition_variable evaluated_;  // a snapshot was evaluated
  bool closing_ = false;
  bool busy_ = false;  // the thread is evaluating one
  size_t done_ = 0;
  std::atomic<long> tid_{0};  // the evaluation thread's kernel id, for its priority
  std::thread thread_;
};

}  // namespace hsgd
