// fast_model.h: the Model interface over nn::FastNetwork (the fast path),
// torch-free. make_model (model.h) builds one for --backend fast|auto, with
// the same initial weights LibTorch draws for the seed.
#pragma once

#include <memory>
#include <vector>

#include "hsgd/model/model.h"
#include "hsgd/nn/fast_network.h"

namespace hsgd {

// A fast-path model of `info` starting from `params` (its num_params floats);
// `kernels` forces the direct or the matrix-product kernels (tests, benchmarks).
std::unique_ptr<Model> make_fast_model(const ModelInfo& info, std::vector<float> params,
                                       nn::ConvKernels kernels = nn::ConvKernels::kAuto);

}  // namespace hsgd
