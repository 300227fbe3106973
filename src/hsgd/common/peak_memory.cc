// peak_memory.cc: see peak_memory.h.
#include "hsgd/common/peak_memory.h"

#include <sys/resource.h>

namespace hsgd {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace hsgd
