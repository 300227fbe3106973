// machine.cc: see machine.h.
#include "hsgd/common/machine.h"

#include <fstream>
#include <thread>

namespace hsgd {

std::string machine_description() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string model;
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return std::to_string(std::thread::hardware_concurrency()) + " cores" + (model.empty() ? "" : " (" + model + ")");
}

std::string cpu_vector_extensions() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string flags;
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("flags", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  std::string found;
  for (const char* flag : {"fma", "avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile"})
    if (flags.find(std::string(" ") + flag + " ") != std::string::npos) found += (found.empty() ? "" : " ") + std::string(flag);
  return found;
}

}  // namespace hsgd
