// hsgd_module.cc: the compiled module hsgd._hsgd, built by CMake with
// pybind11 for Debian's /usr/bin/python3 (docs/python.md). The package
// python/hsgd/ is its Python face; errors raised here are translated there.
#include <pybind11/pybind11.h>

#include "hsgd/common/error.h"
#include "hsgd/common/process_setup.h"
#include "python/bindings.h"

PYBIND11_MODULE(_hsgd, m) {
  m.doc() = "hsgd's C++ core: commands, K policies and the parameter server";
  hsgd::tune_malloc_for_training();
  // pybind11 tries the last registered first: the specific errors after Error.
  pybind11::register_exception<hsgd::Error>(m, "Error", PyExc_RuntimeError);
  pybind11::register_exception<hsgd::DataError>(m, "DataError", PyExc_ValueError);
  pybind11::register_exception<hsgd::ConfigError>(m, "ConfigError", PyExc_ValueError);
  hsgd::python::bind_runs(m);
  hsgd::python::bind_server(m);
  hsgd::python::bind_data(m);
}
