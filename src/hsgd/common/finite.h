// finite.h: whether a float buffer holds a NaN or Inf, the check behind the
// PS's non-finite drops, the harness's divergence check and the fast path's
// max-pool (which must let NaN win).
#pragma once

#include <cstddef>

namespace hsgd {

// True when every element is finite (no NaN, no Inf).
bool all_finite(const float* x, size_t n);

}  // namespace hsgd
