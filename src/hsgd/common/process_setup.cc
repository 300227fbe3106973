// process_setup.cc: malloc tuning (glibc's mallopt).
#include "hsgd/common/process_setup.h"

#include <malloc.h>

namespace hsgd {

void tune_malloc_for_training() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum: blocks below 32 MiB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // and the heap is not returned to the kernel eagerly
}

}  // namespace hsgd
