// shard_layout.h: which contiguous slice of the flat parameter buffer each
// server shard owns (--servers S; docs/aggregation.md, "Sharded server").
//
// Every parameter is a float, so balancing by bytes is balancing by count.
// Slice boundaries fall on 64-byte cache lines (16 floats) where the model
// allows it, so no two shards share a cache line of the buffer; sizes then
// differ by at most one cache line. A model with fewer parameters than
// shards is refused by the caller (every shard owns at least one parameter).
#pragma once

#include <cstddef>
#include <vector>

namespace hsgd {

struct ParamSlice {
  size_t begin = 0;  // first parameter of the slice
  size_t size = 0;   // parameters in it
  size_t end() const { return begin + size; }
  size_t bytes() const { return size * sizeof(float); }
};

// Floats per 64-byte cache line: slice boundaries are multiples of it.
constexpr size_t kSliceAlignFloats = 16;

// S contiguous slices covering [0, num_params) in order, balanced by bytes.
// Needs 1 <= shards <= num_params (HSGD_CHECK).
std::vector<ParamSlice> balance_slices(size_t num_params, int shards);

}  // namespace hsgd
