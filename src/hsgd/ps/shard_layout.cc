// shard_layout.cc: see shard_layout.h.
#include "hsgd/ps/shard_layout.h"

#include "hsgd/common/error.h"

namespace hsgd {

std::vector<ParamSlice> balance_slices(size_t num_params, int shards) {
  HSGD_CHECK(shards >= 1 && static_cast<size_t>(shards) <= num_params, "shards ", shards, " for ", num_params,
             " parameters");
  const size_t count = static_cast<size_t>(shards);
  // Whole cache lines when every shard gets at least one; single floats otherwise.
  const size_t unit = num_params / kSliceAlignFloats >= count ? kSliceAlignFloats : 1;
  const size_t units = num_params / unit;  // the last slice also takes the remainder below one unit
  std::vector<ParamSlice> slices(count);
  size_t begin = 0;
  for (size_t s = 0; s < count; ++s) {
    const size_t end = s + 1 == count ? num_params : (units * (s + 1) / count) * unit;
    slices[s] = {begin, end - begin};
    begin = end;
  }
  return slices;
}

}  // namespace hsgd
