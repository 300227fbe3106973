// fast_model.h: the Model interface over nn::FastNetwork (the fast path),
// torch-free. make_model (model.h) builds one for --backend fast|auto, with
// the same initial weights LibTorch draws for the seed.
#pragma once

#include <memory>
#include <vector>

#include "hsgd/model/model.h"

namespace hsgd {

// A fast-path model of `info` starting from `params` (its num_params floats).
std::unique_ptr<Model> make_fast_model(const ModelInfo& info, std::vector<float> params);

}  // namespace hsgd
