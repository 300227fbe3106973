// dataset_registry.cc: data set specs -> readers.
#include "hsgd/data/dataset_registry.h"

#include <cstdlib>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/data/cifar_reader.h"
#include "hsgd/data/csv_reader.h"
#include "hsgd/data/idx_reader.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/record_reader.h"
#include "hsgd/data/spec_options.h"
#include "hsgd/data/standardise.h"
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

// `classes`: the bound every label is checked against (the declared count, or kMaxClasses).
Dataset load_idx_folder(const std::string& name, const std::string& dir, const ImageShape& expected, int classes) {
  if (!is_directory(dir)) throw DataError(dir, "missing folder: no IDX data set here");
  Dataset ds;
  ds.name = name;
  ds.train = read_idx_images(find_idx_file(dir, "train-images-idx3-ubyte"),
                             find_idx_file(dir, "train-labels-idx1-ubyte"), classes, expected);
  ds.test = read_idx_images(find_idx_file(dir, "t10k-images-idx3-ubyte"),
                            find_idx_file(dir, "t10k-labels-idx1-ubyte"), classes, expected);
  if (expected.channels > 0 && (ds.train.type != SampleType::kUint8 || ds.test.type != SampleType::kUint8))
    throw DataError(dir, name + " is a set of uint8 images, but its files hold float values; read them with "
                           "idx:" + dir);
  return ds;
}

// Images stay uint8 with per-channel normalisation; float32 images are
// standardised per channel when loaded (standardise.h). Train and test must
// be stored alike.
void finish_images(Dataset& ds, const std::string& train_where, const std::string& test_where) {
  if (ds.train.type != ds.test.type)
    throw DataError(test_where, std::string("holds ") + sample_type_name(ds.test.type) + " values, but the train "
                                "images " + train_where + " hold " + sample_type_name(ds.train.type) + " ones");
  if (ds.train.type == SampleType::kFloat32) standardise_channels(ds, train_where, test_where);
  else ds.normalization = compute_normalization(ds.train);
}

// idx:DIR or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS, with classes=N.
struct IdxSpec {
  std::vector<std::string> files;
  int classes = 0;  // 0: inferred
};

IdxSpec parse_idx_spec(const std::string& spec, const std::string& body) {
  if (body.empty()) throw ConfigError("--data idx: needs a folder or four files: idx:DIR or idx:A,B,C,D");
  const SpecItems items = split_spec_items(spec, body, {"classes"});
  if (items.files.size() != 1 && items.files.size() != 4)
    throw ConfigError("--data " + spec + ": idx: takes one folder or four comma-separated files, got " +
                      std::to_string(items.files.size()));
  return {items.files, spec_classes(items)};
}

// cifar:TRAIN[,TRAIN...],TEST,shape=CxHxW[,label-bytes=N][,label-byte=I][,classes=N]
struct RecordSpec {
  std::vector<std::string> files;  // the train files, then the test file
  RecordLayout layout;
  int classes = 0;  // 0: inferred
};

constexpr size_t kMaxRecordFiles = 1000;

RecordSpec parse_record_spec(const std::string& spec, const std::string& body) {
  const SpecItems items = split_spec_items(spec, body, {"shape", "label-bytes", "label-byte", "classes"});
  if (items.files.size() < 2 || items.files.size() > kMaxRecordFiles)
    throw ConfigError("--data " + spec + ": cifar: takes the train file(s), then the test file (2 to " +
                      std::to_string(kMaxRecordFiles) + " files), got " + std::to_string(items.files.size()));
  if (!items.has("shape"))
    throw ConfigError("--data " + spec + ": cifar: needs the image shape, shape=CxHxW (e.g. shape=3x32x32)");
  RecordSpec out;
  out.files = items.files;
  out.layout.shape = parse_image_shape(spec, items.value("shape"));
  out.layout.label_bytes = spec_integer(items, "label-bytes", 1, 4, 1);
  out.layout.label_byte = spec_integer(items, "label-byte", 0, out.layout.label_bytes - 1, out.layout.label_bytes - 1);
  out.classes = spec_classes(items);
  return out;
}

int label_bound(int classes) { return classes > 0 ? classes : kMaxClasses; }

Dataset load_records(const std::string& spec, const std::string& body) {
  const RecordSpec rs = parse_record_spec(spec, body);
  for (const auto& f : rs.files) InputFile opened(f);  // every file is there before any is read
  Dataset ds;
  ds.name = spec;
  for (size_t i = 0; i + 1 < rs.files.size(); ++i)
    ds.train.append(read_record_file(rs.files[i], rs.layout, label_bound(rs.classes)));
  ds.test = read_record_file(rs.files.back(), rs.layout, label_bound(rs.classes));
  ds.normalization = compute_normalization(ds.train);
  ds.notes.push_back("records of " + std::to_string(rs.layout.label_bytes) + " label byte(s) + " +
                     rs.layout.shape.to_string() + " pixels; the class is label byte " +
                     std::to_string(rs.layout.label_byte));
  set_class_count(ds, rs.classes);
  return ds;
}

Dataset load_idx(const std::string& spec, const std::string& body) {
  const IdxSpec is = parse_idx_spec(spec, body);
  Dataset ds;
  if (is.files.size() == 1) {
    ds = load_idx_folder(spec, is.files[0], {}, label_bound(is.classes));
  } else {
    ds.name = spec;
    ds.train = read_idx_images(is.files[0], is.files[1], label_bound(is.classes));
    ds.test = read_idx_images(is.files[2], is.files[3], label_bound(is.classes));
  }
  check_same_shape(ds, body);
  const bool folder = is.files.size() == 1;
  finish_images(ds, folder ? is.files[0] + " (train)" : is.files[0], folder ? is.files[0] + " (test)" : is.files[2]);
  set_class_count(ds, is.classes);
  return ds;
}

}  // namespace

std::string default_data_root() {
  const char* env = std::getenv("HSGD_DATA_ROOT");
  return (env != nullptr && *env != '\0') ? env : HSGD_DEFAULT_DATA_ROOT;
}

const char* dataset_spec_help() {
  return "mnist | fashion-mnist | cifar10 (under --data-root; 10 classes), NAME:PATH for another location, "
         "idx:DIR (MNIST-style file names, raw or .gz) or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS, "
         "cifar:TRAIN[,TRAIN...],TEST,shape=CxHxW[,label-bytes=1..4,label-byte=I] (CIFAR-style binary records), "
         "csv:TRAIN.csv,TEST.csv[,label=COLUMN,header=auto|yes|no,sep=comma|semicolon|tab] (numeric features and "
         "an integer label column); idx:, cifar: and csv: take classes=N (N in [2, 256]; default: the largest "
         "label + 1; docs/data.md), or "
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
    parse_idx_spec(spec, path);
    return;
  }
  if (kind == "cifar") {
    parse_record_spec(spec, path);
    return;
  }
  if (kind == "csv") {
    parse_csv_spec(spec, path);
    return;
  }
  throw ConfigError("--data " + spec + ": unknown data set '" + kind + "'; expected " + dataset_spec_help());
}

Dataset load_dataset(const std::string& spec, const std::string& data_root) {
  check_dataset_spec(spec);
  const auto [kind, path] = split_spec(spec);
  const ImageShape mnist_shape{1, 28, 28};

  if (kind == "mnist") {
    Dataset ds = load_idx_folder("mnist", path.empty() ? data_root + "/mnist" : path, mnist_shape, 10);
    ds.normalization = {{0.1307f}, {0.3081f}};
    return ds;
  }
  if (kind == "fashion-mnist") {
    std::string dir = path;
    if (dir.empty()) dir = is_directory(data_root + "/fashion-mnist") ? data_root + "/fashion-mnist"
                                                                      : kFashionSystemDir;
    Dataset ds = load_idx_folder("fashion-mnist", dir, mnist_shape, 10);
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
  if (kind == "cifar") return load_records(spec, path);
  if (kind == "csv") return load_csv_dataset(parse_csv_spec(spec, path), spec);
  return load_idx(spec, path);  // check_dataset_spec accepted nothing else
}

}  // namespace hsgd
