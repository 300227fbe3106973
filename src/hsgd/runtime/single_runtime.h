// single_runtime.h: --runtime single: one worker and the PS core in one
// loop, with no delays: plain minibatch SGD, the baseline the distributed
// runtimes are measured against. Evaluation runs on the same thread with the
// training clock paused, so it never counts as training time.
#pragma once

#include <memory>

#include "hsgd/runtime/runtime.h"

namespace hsgd {

std::unique_ptr<Runtime> make_single_runtime();

}  // namespace hsgd
