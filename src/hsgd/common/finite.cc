// finite.cc: see finite.h.
#include "hsgd/common/finite.h"

#include "hsgd/common/cpu_dispatch.h"

namespace hsgd {

HSGD_HOT bool all_finite(const float* x, size_t n) {
  uint32_t any = 0;
  for (size_t i = 0; i < n; ++i) any |= non_finite_bit(x[i]);
  return any == 0;
}

}  // namespace hsgd
