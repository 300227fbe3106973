// server_binding.cc: hsgd's parameter server (ps/parameter_server.h) as a
// Python object, for a training loop written in Python (docs/python.md).
//
// push() and pull() take float32 numpy arrays of the model's size, C-ordered,
// without copying them (torch tensors come as their .numpy() view); both
// release the GIL, so Python threads computing gradients with torch run in
// parallel with the server's work. The server itself is not thread-safe
// (parameter_server.h); this object holds a mutex around it and a condition
// variable for the waits a mode asks for:
//   sync, hybrid with wait="applied"   push() returns once its gradient has
//                                      been applied (its status then "applied"),
//                                      or the worker left
//   ssp                                push() returns once the worker may go on
// Time for the K schedule ("seconds" units, K policies' load) is the wall
// time since the object was made.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "hsgd/common/error.h"
#include "hsgd/common/stopwatch.h"
#include "hsgd/config/option_io.h"
#include "hsgd/config/train_config.h"
#include "hsgd/ps/parameter_server.h"
#include "python/bindings.h"

namespace py = pybind11;

namespace hsgd::python {
namespace {

using FloatArray = py::array_t<float, py::array::c_style>;  // no forcecast: a wrong dtype is refused, not copied

// The flat float32 buffer of `a`, checked to hold `n` values.
const float* floats_of(const py::array& a, size_t n, const char* what) {
  if (!py::isinstance<FloatArray>(a) || !(a.flags() & py::array::c_style))
    throw ConfigError(std::string(what) + " must be a C-contiguous float32 array (or CPU float32 tensor)");
  if (static_cast<size_t>(a.size()) != n)
    throw ConfigError(std::string(what) + " has " + std::to_string(a.size()) + " values; the server holds " +
                      std::to_string(n));
  return static_cast<const float*>(a.data());
}

PsOptions ps_options(const std::vector<std::pair<std::string, std::string>>& options) {
  TrainConfig config;
  set_option(config, "gradients", "1");  // validate() wants a budget, which a server object has none of
  for (const auto& [name, text] : options) set_option(config, name, text);
  config.validate();
  return config.ps;
}

struct PushResult {
  std::string status;  // "applied", "buffered" or "dropped"
  std::string reason;  // why it was dropped ("" otherwise)
  uint64_t staleness = 0;
  uint64_t version = 0;  // the server's version when push() returned
};

class Server {
 public:
  Server(const py::array& params, const std::vector<std::pair<std::string, std::string>>& options)
      : ps_(initial(params), ps_options(options)) {}

  // fn(server) under the lock, with the GIL released (a K policy called
  // under the lock takes the GIL): fn returns C++ values only.
  template <typename Fn>
  auto locked(Fn fn) {
    py::gil_scoped_release released;
    std::lock_guard<std::mutex> lock(mutex_);
    return fn(ps_);
  }

  PushResult push(int worker, uint64_t base_version, const py::array& grad) {
    const float* g = floats_of(grad, ps_.num_params(), "grad");
    check_worker(worker);
    py::gil_scoped_release released;
    std::unique_lock<std::mutex> lock(mutex_);
    if (base_version > ps_.version())
      throw ConfigError("push: version " + std::to_string(base_version) + " is newer than the server's " +
                        std::to_string(ps_.version()) + " (a version comes from pull())");
    const Stopwatch::Clock::time_point began = Stopwatch::Clock::now();
    const PushOutcome out = ps_.push(worker, base_version, g, clock_.seconds());
    if (ps_.measures_load())
      ps_.record_service(std::chrono::duration<double>(Stopwatch::Clock::now() - began).count(),
                         out.status == PushOutcome::Status::kApplied);
    changed_.notify_all();
    PushOutcome waited = out;
    if (wait_after(worker, out, lock) && ps_.version() > out.version) waited.status = PushOutcome::Status::kApplied;
    return result(waited);
  }

  uint64_t pull(py::array& out) {
    if (!out.writeable()) throw ConfigError("pull: the output array is read-only");
    float* dst = const_cast<float*>(floats_of(out, ps_.num_params(), "pull's output"));
    py::gil_scoped_release released;
    std::unique_lock<std::mutex> lock(mutex_);
    std::memcpy(dst, ps_.params().data(), ps_.num_params() * sizeof(float));
    return ps_.version();
  }

  // The worker stops counting towards K (its later gradients are dropped).
  void leave(int worker) {
    check_worker(worker);
    py::gil_scoped_release released;
    std::lock_guard<std::mutex> lock(mutex_);
    ps_.set_alive(worker, false, clock_.seconds());
    changed_.notify_all();
  }

  py::dict accounting() {
    const Accounting a = locked([](const ParameterServer& ps) { return ps.accounting(); });
    py::dict d, dropped;
    d["received"] = a.received;
    d["applied"] = a.applied;
    d["buffered"] = a.buffered;
    d["updates"] = a.updates;
    for (size_t r = 0; r < static_cast<size_t>(DropReason::kCount); ++r)
      dropped[to_string(static_cast<DropReason>(r))] = a.dropped[r];
    d["dropped"] = dropped;
    d["balances"] = a.balances();
    return d;
  }

  double seconds() const { return clock_.seconds(); }

 private:
  static std::vector<float> initial(const py::array& params) {
    const float* p = floats_of(params, static_cast<size_t>(params.size()), "params");
    if (params.size() == 0) throw ConfigError("params is empty");
    return std::vector<float>(p, p + params.size());
  }

  void check_worker(int worker) const {
    if (worker < 0 || worker >= ps_.options().num_workers)
      throw ConfigError("worker " + std::to_string(worker) + " is out of range [0, " +
                        std::to_string(ps_.options().num_workers) + ")");
  }

  // The waits of the mode (see the file's comment). Returns whether the
  // push waited for its gradient to be applied.
  bool wait_after(int worker, const PushOutcome& out, std::unique_lock<std::mutex>& lock) {
    if (out.must_wait) {
      changed_.wait(lock, [&] { return !ps_.ssp_waiting(worker) || !ps_.alive(worker); });
    } else if (ps_.options().waits_for_apply() && out.status == PushOutcome::Status::kBuffered) {
      changed_.wait(lock, [&] { return ps_.version() > out.version || !ps_.alive(worker); });
      return true;
    }
    return false;
  }

  PushResult result(const PushOutcome& out) const {
    PushResult r;
    r.status = out.status == PushOutcome::Status::kApplied    ? "applied"
               : out.status == PushOutcome::Status::kBuffered ? "buffered"
                                                               : "dropped";
    if (out.status == PushOutcome::Status::kDropped) r.reason = to_string(out.reason);
    r.staleness = out.staleness;
    r.version = ps_.version();
    return r;
  }

  ParameterServer ps_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Stopwatch clock_;
};

// The C++ core's own cost of one push + pull of `n` floats (async: every push
// applies), in seconds per pair, measured over `iterations`: the yardstick of
// the Python object's overhead (bench/python_server_bench.py).
double core_push_pull_seconds(size_t n, int iterations) {
  py::gil_scoped_release released;
  PsOptions options = ps_options({{"mode", "async"}, {"workers", "1"}, {"lr", "0.001"}});
  ParameterServer ps(std::vector<float>(n, 0.5f), options);
  std::vector<float> grad(n, 0.001f), out(n);
  std::mutex mutex;
  const Stopwatch clock;
  for (int i = 0; i < iterations; ++i) {
    std::lock_guard<std::mutex> lock(mutex);
    ps.push(0, ps.version(), grad.data(), clock.seconds());
    std::memcpy(out.data(), ps.params().data(), n * sizeof(float));
  }
  return clock.seconds() / std::max(1, iterations);
}

}  // namespace

void bind_server(py::module_& m) {
  py::class_<PushResult>(m, "PushResult", "what became of a pushed gradient")
      .def_readonly("status", &PushResult::status, "'applied', 'buffered' or 'dropped'")
      .def_readonly("reason", &PushResult::reason, "why it was dropped ('' otherwise)")
      .def_readonly("staleness", &PushResult::staleness, "the server's version at arrival minus the gradient's")
      .def_readonly("version", &PushResult::version, "the server's version when push() returned")
      .def("__repr__", [](const PushResult& r) {
        return "PushResult(status='" + r.status + "', staleness=" + std::to_string(r.staleness) +
               ", version=" + std::to_string(r.version) + (r.reason.empty() ? "" : ", reason='" + r.reason + "'") +
               ")";
      });
  py::class_<Server>(m, "Server", "the parameter server core (use hsgd.ParameterServer)")
      .def(py::init<const py::array&, const std::vector<std::pair<std::string, std::string>>&>(), py::arg("params"),
           py::arg("options"))
      .def("push", &Server::push, py::arg("worker"), py::arg("version"), py::arg("grad"))
      .def("pull", &Server::pull, py::arg("out"))
      .def("leave", &Server::leave, py::arg("worker"))
      .def("accounting", &Server::accounting)
      .def("params",
           [](Server& s) {
             const std::vector<float> p = s.locked([](const ParameterServer& ps) { return ps.params(); });
             return py::array_t<float>(static_cast<py::ssize_t>(p.size()), p.data());
           })
      .def_property_readonly("version", [](Server& s) { return s.locked([](const ParameterServer& ps) { return ps.version(); }); })
      .def_property_readonly("k", [](Server& s) {
        const double now = s.seconds();
        return s.locked([now](const ParameterServer& ps) { return ps.current_k(now); });
      })
      .def_property_readonly("live_workers",
                             [](Server& s) { return s.locked([](const ParameterServer& ps) { return ps.live_workers(); }); })
      .def_property_readonly("num_params",
                             [](Server& s) { return s.locked([](const ParameterServer& ps) { return ps.num_params(); }); })
      .def_property_readonly("staleness_histogram", [](Server& s) {
        return s.locked([](const ParameterServer& ps) { return ps.staleness_histogram(); });
      })
      .def_property_readonly("description", [](Server& s) {
        return s.locked([](const ParameterServer& ps) { return ps.schedule_description(); });
      });
  m.def("core_push_pull_seconds", &core_push_pull_seconds, py::arg("n"), py::arg("iterations"));
}

}  // namespace hsgd::python
