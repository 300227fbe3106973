// one_thread.h: OneOmpThread keeps the calling thread's OpenMP parallelism
// (which oneDNN and OpenBLAS use) at one thread while it lives. The fast path
// computes every kernel on one thread and parallelises over fixed parts of a
// batch itself (model/fast_model.cc), so its results never depend on the
// thread count.
#pragma once

#include <omp.h>

namespace hsgd::nn {

class OneOmpThread {
 public:
  OneOmpThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneOmpThread() { omp_set_num_threads(saved_); }
  OneOmpThread(const OneOmpThread&) = delete;
  OneOmpThread& operator=(const OneOmpThread&) = delete;

 private:
  int saved_;
};

}  // namespace hsgd::nn
