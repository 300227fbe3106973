// run_binding.cc: hsgd's commands and K policies for Python (the module
// hsgd._hsgd; python/hsgd/ wraps it). run_command runs `hsgd ARGS...` in this
// process, through the same code as the program (apps/cli.h), with the GIL
// released; a K policy is a Python callable registered under a name
// (ps/k_policy.h) and called with the GIL held.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <memory>

#include "apps/cli.h"
#include "hsgd/common/error.h"
#include "hsgd/common/progress.h"
#include "hsgd/ps/k_policy.h"
#include "hsgd/ps/k_schedule.h"
#include "python/bindings.h"

namespace py = pybind11;

namespace hsgd::python {
namespace {

// A Python object that may be released by a thread without the GIL (a run's
// configuration is freed inside run_command, where the GIL is released).
struct HeldObject {
  py::object object;
  explicit HeldObject(py::object o) : object(std::move(o)) {}
  ~HeldObject() {
    py::gil_scoped_acquire gil;
    object = py::object();
  }
};

// K from what a policy returned: an int (not a bool), or a float that is whole.
int to_k(const std::string& name, const py::handle& value) {
  if (py::isinstance<py::bool_>(value) || !(py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)))
    throw Error("K policy '" + name + "' returned " + std::string(py::str(py::repr(value))) +
                ": K must be a whole number");
  const double k = value.cast<double>();
  if (k != static_cast<double>(static_cast<long long>(k)) || k < -1e9 || k > 1e9)
    throw Error("K policy '" + name + "' returned " + std::string(py::str(py::repr(value))) +
                ": K must be a whole number");
  return static_cast<int>(k);
}

KPolicyFunction python_policy(const std::string& name, py::function fn) {
  auto held = std::make_shared<HeldObject>(std::move(fn));
  return [name, held](const ScheduleState& state) {
    py::gil_scoped_acquire gil;
    try {
      return to_k(name, held->object(state));
    } catch (py::error_already_set& e) {  // its type and message, without pybind11's traceback
      throw Error("K policy '" + name + "' raised " + std::string(py::str(e.type().attr("__name__"))) + ": " +
                  std::string(py::str(e.value())));
    }
  };
}

py::dict outcome_dict(const cli::CommandOutcome& o) {
  py::dict d;
  d["status"] = o.status;
  d["out_dir"] = o.out_dir;
  d["error"] = o.error;
  d["parse_error"] = o.parse_error;
  return d;
}

// A built-in schedule, parsed from its spec, that Python can ask for K.
class BuiltinSchedule {
 public:
  BuiltinSchedule(const std::string& spec, double lr, int workers)
      : schedule_(parse_k_schedule(spec, lr, workers)) {}
  int k(const ScheduleState& state) const { return schedule_->k(state); }
  std::string describe() const { return schedule_->describe(); }
  int max_k() const { return schedule_->max_k(); }

 private:
  std::shared_ptr<const KSchedule> schedule_;
};

}  // namespace

void bind_runs(py::module_& m) {
  m.def(
      "run_command",
      [](const std::vector<std::string>& args) {
        cli::CommandOutcome outcome;
        {
          py::gil_scoped_release released;
          outcome = cli::run_command(args);
          std::fflush(nullptr);  // C's buffers now, while Python's log=False still holds the descriptors
        }
        return outcome_dict(outcome);
      },
      py::arg("args"), "runs `hsgd ARGS...` in this process (GIL released); returns status, out_dir, error");

  m.def("set_progress_shown", &ProgressLine::set_shown, py::arg("shown"), "progress lines on or off, for this process");

  py::class_<ScheduleState>(m, "ScheduleState", "what a K policy is told at each decision")
      .def(py::init<>())
      .def_readwrite("gradients", &ScheduleState::gradients, "gradients received so far")
      .def_readwrite("updates", &ScheduleState::updates, "updates applied so far")
      .def_readwrite("seconds", &ScheduleState::seconds, "training time so far (virtual in the simulator)")
      .def_readwrite("live_workers", &ScheduleState::live_workers, "workers alive now")
      .def_readwrite("k", &ScheduleState::k, "K in force before this decision")
      .def_readwrite("arrival_gap", &ScheduleState::arrival_gap,
                     "mean time between gradients over the last window, s (0 until one ended)")
      .def_readwrite("gradient_s", &ScheduleState::gradient_s, "server time per gradient, s")
      .def_readwrite("update_s", &ScheduleState::update_s, "server time per update beyond a gradient's, s")
      .def_readwrite("utilisation", &ScheduleState::utilisation,
                     "(gradient_s + update_s / k) / arrival_gap: the server's measured load at K = k")
      .def("__repr__", [](const ScheduleState& s) {
        return "ScheduleState(gradients=" + std::to_string(s.gradients) + ", updates=" + std::to_string(s.updates) +
               ", seconds=" + std::to_string(s.seconds) + ", live_workers=" + std::to_string(s.live_workers) +
               ", k=" + std::to_string(s.k) + ", utilisation=" + std::to_string(s.utilisation) + ")";
      });

  m.def(
      "register_policy", [](const std::string& name, py::function fn) { register_k_policy(name, python_policy(name, fn)); },
      py::arg("name"), py::arg("fn"));
  m.def("unregister_policy", &unregister_k_policy, py::arg("name"));
  m.def("policy_registered", &k_policy_registered, py::arg("name"));

  py::class_<BuiltinSchedule>(m, "BuiltinSchedule", "a --schedule spec, parsed by hsgd")
      .def(py::init<const std::string&, double, int>(), py::arg("spec"), py::arg("lr"), py::arg("workers"))
      .def("k", &BuiltinSchedule::k, py::arg("state"))
      .def("describe", &BuiltinSchedule::describe)
      .def_property_readonly("max_k", &BuiltinSchedule::max_k);
}

}  // namespace hsgd::python
