// torchscript_model.h: a user's own network from a TorchScript file
// (--model torchscript:FILE.pt); see torchscript_model.cc and docs/models.md.
#pragma once

#include <memory>
#include <string>

#include "hsgd/model/model.h"

namespace hsgd {

// Loads the module at `path`; throws ConfigError naming the file if it is
// missing, too large, not loadable, or has no float32 parameters. Its input
// and output shapes are checked against a data set by Model::fit_problem.
std::unique_ptr<Model> make_torchscript_model(const std::string& path);

}  // namespace hsgd
