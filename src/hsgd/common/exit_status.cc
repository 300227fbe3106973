// exit_status.cc: see exit_status.h.
#include "hsgd/common/exit_status.h"

#include "hsgd/common/error.h"

namespace hsgd {

int failure_exit_status(const std::exception& e) {
  return dynamic_cast<const Error*>(&e) != nullptr ? kExitFailed : kExitInternalError;
}

}  // namespace hsgd
