// main.cc: the parameter-server core from an installed hsgd (README.md, "hsgd
// as a library"): four workers push to a hybrid server with K = 2; it applies
// one update per two gradients, and its accounting balances.
#include <cstdio>
#include <vector>

#include "hsgd/ps/k_schedule.h"
#include "hsgd/ps/parameter_server.h"

int main() {
  hsgd::PsOptions options;
  options.mode = hsgd::Mode::kHybrid;
  options.num_workers = 4;
  options.sgd.lr = 0.1;
  options.schedule = hsgd::parse_k_schedule("constant:2", options.sgd.lr, options.num_workers);
  hsgd::ParameterServer ps(std::vector<float>{1, 1, 1}, options);
  const std::vector<float> gradient = {1, 2, 3};
  for (int worker = 0; worker < 4; ++worker) ps.push(worker, ps.version(), gradient.data(), /*now=*/0.0);
  const std::vector<float>& p = ps.params();
  std::printf("version %llu, parameters %g %g %g, accounting %s\n", static_cast<unsigned long long>(ps.version()),
              p[0], p[1], p[2], ps.accounting().balances() ? "balances" : "does not balance");
  return ps.version() == 2 && ps.accounting().balances() && p[0] < 1 ? 0 : 1;
}
