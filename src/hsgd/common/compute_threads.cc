// compute_threads.cc: see compute_threads.h.
#include "hsgd/common/compute_threads.h"

#include <atomic>

namespace hsgd {
namespace {

std::atomic<int> g_process_threads{0};
thread_local int t_own_threads = 0;

}  // namespace

void set_process_compute_threads(int threads) { g_process_threads = threads; }
void set_this_thread_compute_threads(int threads) { t_own_threads = threads; }

int compute_threads() {
  if (t_own_threads > 0) return t_own_threads;
  const int process = g_process_threads.load();
  return process > 0 ? process : 1;
}

}  // namespace hsgd
