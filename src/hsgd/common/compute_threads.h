// compute_threads.h: how many threads a model computes with on the calling
// thread: the thread's own count where one was set (the evaluator's), else the
// process's (--threads, set once at start). OpenMP keeps its count per thread
// and a new std::thread starts with one OpenMP thread per core, so models ask
// here instead of omp_get_max_threads().
#pragma once

namespace hsgd {

// The process's count (set_compute_threads in model.h sets it with LibTorch's).
void set_process_compute_threads(int threads);
// The calling thread's own count; 0 = the process's.
void set_this_thread_compute_threads(int threads);
// The count for the calling thread: its own, else the process's, else 1.
int compute_threads();

}  // namespace hsgd
