// bindings.h: the parts of the Python module hsgd._hsgd, one file each.
#pragma once

#include <pybind11/pybind11.h>

namespace hsgd::python {

void bind_runs(pybind11::module_& m);    // run_binding.cc: commands, K policies, schedules
void bind_server(pybind11::module_& m);  // server_binding.cc: the parameter server as an object
void bind_data(pybind11::module_& m);    // data_binding.cc: the floats the model sees for some samples

}  // namespace hsgd::python
