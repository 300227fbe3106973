// k_policy.h: K policies: a function, written by the user (the Python
// module's `schedule=` callable), that the parameter server asks for K.
//
// A policy is registered in this process under a name and given to a run as
// `--schedule policy:NAME` (that is what config.toml records). The server
// asks it once per gradient received and when a worker dies or rejoins, with
// the whole ScheduleState (gradients, updates, time, live workers, K now, and
// the load measured over the last window as --schedule adaptive measures it),
// and keeps the answer until the next decision. K must be a whole number in
// [1, workers]; the server caps it at the live workers as for any schedule.
//
// The registry is for one process: a name registered in Python means nothing
// to the `hsgd` program or to another MPI rank, which refuse it by name.
// Registering and unregistering are thread-safe; the function itself is
// called from the thread that runs the server (the simulator's loop, or the
// threads runtime's worker holding the server's lock).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hsgd/ps/k_schedule.h"

namespace hsgd {

using KPolicyFunction = std::function<int(const ScheduleState&)>;

// Registers `decide` under `name` (letters, digits, '_', '-', '.'; 1 to 64
// characters); throws ConfigError when the name is malformed or taken.
void register_k_policy(const std::string& name, KPolicyFunction decide);
// Forgets `name` (nothing when it is unknown). A run that holds the policy keeps it.
void unregister_k_policy(const std::string& name);
bool k_policy_registered(const std::string& name);

// The schedule of `--schedule policy:NAME` for `workers` workers; throws
// ConfigError when NAME is not registered in this process.
std::unique_ptr<KSchedule> policy_schedule(const std::string& name, int workers);

}  // namespace hsgd
