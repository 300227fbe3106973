// dataset_registry.cc: data set specs -> readers.
#include "hsgd/data/dataset_registry.h"

#include <cstdlib>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/data/cifar_reader.h"
#include "hsgd/data/idx_reader.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/synthetic.h"

#ifndef HSGD_DEFAULT_DATA_ROOT
#define HSGD_DEFAULT_DATA_ROOT "data"
#endif

namespace hsgd {
namespace {

const char* const kFashionSystemDir = "/usr/share/datasets/fashion-mnist";

// Finds `stem` in `dir` under the usual spellings, raw or gzip'ed.
std::string find_idx_file(const std::string& dir, const std::string& stem) {
  std::string dotted = stem;  // "train-images-idx3-ubyte" is also seen as "train-images.idx3-ubyte"
  const auto dash = dotted.find("-idx");
  if (dash != std::string::npos) dotted[dash] = '.';
  for (const std::string& name : {stem, stem + ".gz", dotted, dotted + ".gz"}) {
    const std::string p = dir + "/" + name;
    if (is_regular_file(p)) return p;
  }
  throw DataError(dir + "/" + stem, "missing file (looked for " + stem + " and " + stem + ".gz)");
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

Dataset load_idx_folder(const std::string& name, const std::string& dir, const ImageShape& expected) {
  if (!is_directory(dir)) throw DataError(dir, "missing folder: no IDX data set here");
  Dataset ds;
  ds.name = name;
  ds.train = read_idx_images(find_idx_file(dir, "train-images-idx3-ubyte"),
                             find_idx_file(dir, "train-labels-idx1-ubyte"), ds.num_classes, expected);
  ds.test = read_idx_images(find_idx_file(dir, "t10k-images-idx3-ubyte"),
                            find_idx_file(dir, "t10k-labels-idx1-ubyte"), ds.num_classes, expected);
  return ds;
}

// "kind:path" -> {kind, path}; path is empty without a colon.
std::pair<std::string, std::string> split_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  return {spec.substr(0, colon), colon == std::string::npos ? "" : spec.substr(colon + 1)};
}

void check_same_shape(const Dataset& ds, const std::string& where) {
  if (!(ds.train.shape == ds.test.shape))
    throw DataError(where, "train images are " + ds.train.shape.to_string() + " but test images are " +
                               ds.test.shape.to_string());
}

}  // namespace

std::string default_data_root() {
  const char* env = std::getenv("HSGD_DATA_ROOT");
  return (env != nullptr && *env != '\0') ? env : HSGD_DEFAULT_DATA_ROOT;
}

const char* dataset_spec_help() {
  return "mnist | fashion-mnist | cifar10 (under --data-root), NAME:PATH for another location, "
         "idx:DIR (MNIST-style file names, raw or .gz), or "
         "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS, or "
         "synthetic[:features=20,classes=10,samples=10000,test=0.2,sep=0.5,seed=1] (the paper's generated data)";
}

void check_dataset_spec(const std::string& spec) {
  const auto [kind, path] = split_spec(spec);
  if (kind == "mnist" || kind == "fashion-mnist" || kind == "cifar10") return;
  if (kind == "synthetic") {
    parse_synthetic_spec(path);
    return;
  }
  if (kind == "idx") {
    if (path.empty()) throw ConfigError("--data idx: needs a folder or four files: idx:DIR or idx:A,B,C,D");
    const size_t files = split(path, ',').size();
    if (files != 1 && files != 4)
      throw ConfigError("--data " + spec + ": idx: takes one folder or four comma-separated files, got " +
                        std::to_string(files));
    return;
  }
  throw ConfigError("--data " + spec + ": unknown data set '" + kind + "'; expected " + dataset_spec_help());
}

Dataset load_dataset(const std::string& spec, const std::string& data_root) {
  check_dataset_spec(spec);
  const auto [kind, path] = split_spec(spec);
  const ImageShape mnist_shape{1, 28, 28};

  if (kind == "mnist") {
    Dataset ds = load_idx_folder("mnist", path.empty() ? data_root + "/mnist" : path, mnist_shape);
    ds.normalization = {{0.1307f}, {0.3081f}};
    return ds;
  }
  if (kind == "fashion-mnist") {
    std::string dir = path;
    if (dir.empty()) dir = is_directory(data_root + "/fashion-mnist") ? data_root + "/fashion-mnist"
                                                                      : kFashionSystemDir;
    Dataset ds = load_idx_folder("fashion-mnist", dir, mnist_shape);
    ds.normalization = {{0.2860f}, {0.3530f}};
    return ds;
  }
  if (kind == "cifar10") {
    std::string p = path;
    if (p.empty()) {
      p = data_root + "/cifar-10-binary.tar.gz";
      if (!is_regular_file(p) && is_directory(data_root + "/cifar-10-batches-bin"))
        p = data_root + "/cifar-10-batches-bin";
    }
    return load_cifar10(p);
  }
  if (kind == "synthetic") return make_synthetic_dataset(parse_synthetic_spec(path));
  // idx (check_dataset_spec accepted nothing else)
  Dataset ds;
  const auto files = split(path, ',');
  if (files.size() == 1) {
    ds = load_idx_folder(spec, path, {});
  } else {
    ds.name = spec;
    ds.train = read_idx_images(files[0], files[1], ds.num_classes);
    ds.test = read_idx_images(files[2], files[3], ds.num_classes);
  }
  check_same_shape(ds, path);
  ds.normalization = compute_normalization(ds.train);
  return ds;
}

}  // namespace hsgd
