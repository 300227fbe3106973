// finite.cc: see finite.h.
#include "hsgd/common/finite.h"

#include <cstdint>
#include <cstring>

#include "hsgd/common/cpu_dispatch.h"

namespace hsgd {

HSGD_HOT bool all_finite(const float* x, size_t n) {
  // A float is NaN or Inf exactly when its exponent bits are all ones; an
  // integer OR over the whole buffer vectorises and has no early exit to predict.
  constexpr uint32_t kExponent = 0x7f800000u;
  uint32_t any = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    any |= static_cast<uint32_t>((bits & kExponent) == kExponent);
  }
  return any == 0;
}

}  // namespace hsgd
