// machine.h: a one-line description of this machine ("2 cores (AMD EPYC)"),
// recorded with measurements so that a report says where they were made.
#pragma once

#include <string>

namespace hsgd {

std::string machine_description();

// The vector extensions of this CPU that decide the kernels' speed, as
// /proc/cpuinfo names them ("fma avx2 avx512f avx512_bf16"); "" if unknown.
std::string cpu_vector_extensions();

}  // namespace hsgd
