// finite.h: whether a float buffer holds a NaN or Inf, the check behind the
// PS's non-finite drops, the harness's divergence check and the fast path's
// max-pool (which must let NaN win).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hsgd {

// 1 when x is NaN or Inf (its exponent bits all ones), else 0: ORed over a
// loop it vectorises and has no early exit to predict.
inline uint32_t non_finite_bit(float x) {
  constexpr uint32_t kExponent = 0x7f800000u;
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<uint32_t>((bits & kExponent) == kExponent);
}

// True when every element is finite (no NaN, no Inf).
bool all_finite(const float* x, size_t n);

}  // namespace hsgd
