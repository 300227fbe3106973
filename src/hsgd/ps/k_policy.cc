// k_policy.cc: see k_policy.h.
#include "hsgd/ps/k_policy.h"

#include <cctype>
#include <map>
#include <mutex>

#include "hsgd/common/error.h"

namespace hsgd {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const KPolicyFunction>> policies;
};

Registry& registry() {
  static Registry r;
  return r;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

class PolicySchedule : public KSchedule {
 public:
  PolicySchedule(std::string name, std::shared_ptr<const KPolicyFunction> decide, int workers)
      : name_(std::move(name)), decide_(std::move(decide)), workers_(workers) {}

  int k(const ScheduleState& state) const override {
    const int k = (*decide_)(state);
    if (k < 1 || k > workers_)
      throw Error("K policy '" + name_ + "' returned K = " + std::to_string(k) + " after " +
                  std::to_string(state.gradients) + " gradients: K must be a whole number in [1, " +
                  std::to_string(workers_) + "] (the workers)");
    return k;
  }
  int max_k() const override { return workers_; }
  bool is_policy() const override { return true; }
  std::string describe() const override {
    return "policy " + name_ + ": K from a function registered in this process, asked at every gradient";
  }

 private:
  std::string name_;
  std::shared_ptr<const KPolicyFunction> decide_;
  int workers_;
};

}  // namespace

void register_k_policy(const std::string& name, KPolicyFunction decide) {
  if (!valid_name(name))
    throw ConfigError("K policy name '" + name + "': expected 1 to 64 letters, digits, '_', '-' or '.'");
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  if (r.policies.count(name) != 0) throw ConfigError("K policy name '" + name + "' is already registered");
  r.policies[name] = std::make_shared<const KPolicyFunction>(std::move(decide));
}

void unregister_k_policy(const std::string& name) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  r.policies.erase(name);
}

bool k_policy_registered(const std::string& name) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  return r.policies.count(name) != 0;
}

std::unique_ptr<KSchedule> policy_schedule(const std::string& name, int workers) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  const auto it = r.policies.find(name);
  if (it == r.policies.end())
    throw ConfigError("--schedule policy:" + name + ": no K policy of that name in this process (a policy is a "
                      "Python function given as hsgd.train(schedule=...); the command line cannot give one)");
  return std::make_unique<PolicySchedule>(name, it->second, workers);
}

}  // namespace hsgd
