// peak_memory.h: how much memory this process has held at most, for the
// summaries of the process runtimes (each rank reports its own).
#pragma once

namespace hsgd {

// This process's peak resident memory so far, in MB.
double peak_rss_mb();

}  // namespace hsgd
