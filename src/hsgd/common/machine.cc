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

}  // namespace hsgd
