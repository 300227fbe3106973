// data_binding.cc: hsgd._hsgd.data_batch, the floats the model sees for some
// samples of a data set: loaded by the program's readers (dataset_registry.h)
// and turned into a batch by the training code (batch.h). hsgd.data.batch is
// its Python face; python/tests compare it bit for bit with the arrays given.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "hsgd/common/error.h"
#include "hsgd/data/batch.h"
#include "hsgd/data/dataset_registry.h"
#include "python/bindings.h"

namespace py = pybind11;

namespace hsgd::python {
namespace {

py::tuple data_batch(const std::string& spec, const std::string& data_root, const std::string& split,
                     const std::vector<size_t>& indices) {
  Batch batch;
  {
    py::gil_scoped_release release;
    const Dataset ds = load_dataset(spec, data_root.empty() ? default_data_root() : data_root);
    const ImageSet& set = split == "test" ? ds.test : ds.train;
    for (size_t i : indices)
      if (i >= set.size())
        throw ConfigError("batch: index " + std::to_string(i) + " is beyond the " + split + " set's " +
                          std::to_string(set.size()) + " samples");
    fill_batch(set, ds.normalization, indices.data(), indices.size(), batch);
  }
  const ImageShape& s = batch.shape;
  py::array_t<float> images({static_cast<py::ssize_t>(indices.size()), static_cast<py::ssize_t>(s.channels),
                             static_cast<py::ssize_t>(s.height), static_cast<py::ssize_t>(s.width)});
  std::copy(batch.images.begin(), batch.images.end(), images.mutable_data());
  py::array_t<int64_t> labels(static_cast<py::ssize_t>(batch.labels.size()));
  std::copy(batch.labels.begin(), batch.labels.end(), labels.mutable_data());
  return py::make_tuple(images, labels);
}

}  // namespace

void bind_data(py::module_& m) {
  m.def("data_batch", &data_batch, py::arg("spec"), py::arg("data_root"), py::arg("split"), py::arg("indices"),
        "the floats the model sees for the samples at `indices` of a data set's train or test split, and their "
        "labels");
}

}  // namespace hsgd::python
