// machine.h: a one-line description of this machine ("2 cores (AMD EPYC)"),
// recorded with measurements so that a report says where they were made.
#pragma once

#include <string>

namespace hsgd {

std::string machine_description();

}  // namespace hsgd
