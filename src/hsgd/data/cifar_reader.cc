// cifar_reader.cc: CIFAR-10 binary batches from a folder or an archive.
#include "hsgd/data/cifar_reader.h"

#include <algorithm>
#include <array>
#include <map>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/tar_reader.h"

namespace hsgd {
namespace {

const std::array<const char*, 6> kBatchFiles = {"data_batch_1.bin", "data_batch_2.bin",
                                                "data_batch_3.bin", "data_batch_4.bin",
                                                "data_batch_5.bin", "test_batch.bin"};

std::string basename_of(const std::string& p) {
  const auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_batch_file(const std::string& name) {
  for (const char* f : kBatchFiles)
    if (name == f) return true;
  return false;
}

std::vector<uint8_t> read_whole_file(const std::string& path) {
  InputFile in(path);
  std::vector<uint8_t> bytes;
  char buf[1 << 16];
  for (size_t got; (got = in.read(buf, sizeof buf)) > 0;) bytes.insert(bytes.end(), buf, buf + got);
  return bytes;
}

// Batch files by base name, from a folder (itself or its cifar-10-batches-bin/).
std::map<std::string, ImageSet> read_folder(const std::string& dir) {
  std::string root = dir;
  if (!is_regular_file(root + "/test_batch.bin") && is_directory(root + "/cifar-10-batches-bin"))
    root += "/cifar-10-batches-bin";
  std::map<std::string, ImageSet> batches;
  for (const char* f : kBatchFiles) {
    const std::string p = root + "/" + f;
    if (!is_regular_file(p))
      throw DataError(p, "missing file: a CIFAR-10 folder needs data_batch_1..5.bin and test_batch.bin");
    batches[f] = parse_cifar_records(read_whole_file(p), p);
  }
  return batches;
}

std::map<std::string, ImageSet> read_archive(InputFile& in) {
  const std::string& archive = in.path();
  std::map<std::string, ImageSet> batches;
  for_each_tar_entry(
      in, [](const TarEntry& e) { return is_batch_file(basename_of(e.name)); },
      [&](const TarEntry& e, std::vector<uint8_t>&& bytes) {
        batches[basename_of(e.name)] = parse_cifar_records(bytes, archive + ":" + e.name);
      });
  for (const char* f : kBatchFiles)
    if (!batches.count(f))
      throw DataError(archive, std::string("missing file: the archive has no ") + f);
  return batches;
}

Dataset cifar10_dataset(std::map<std::string, ImageSet>& batches) {
  Dataset ds;
  ds.name = "cifar10";
  ds.num_classes = 10;
  for (int k = 1; k <= 5; ++k) ds.train.append(batches["data_batch_" + std::to_string(k) + ".bin"]);
  ds.test = std::move(batches["test_batch.bin"]);
  // The usual CIFAR-10 training-set statistics.
  ds.normalization = {{0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f}};
  return ds;
}

}  // namespace

ImageSet parse_cifar_records(const std::vector<uint8_t>& bytes, const std::string& where) {
  if (bytes.empty()) throw DataError(where, "empty file: no CIFAR records");
  if (bytes.size() % kCifarRecordBytes != 0)
    throw DataError(where, "size " + std::to_string(bytes.size()) +
                               " bytes is not a multiple of 3073 (1 label byte + 3072 pixel "
                               "bytes per record): truncated or not a CIFAR-10 batch");
  const size_t n = bytes.size() / kCifarRecordBytes;
  ImageSet set;
  set.shape = {3, 32, 32};
  set.labels.resize(n);
  set.pixels.resize(n * 3072);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* rec = bytes.data() + i * kCifarRecordBytes;
    if (rec[0] > 9)
      throw DataError(where, "label " + std::to_string(rec[0]) + " of record " + std::to_string(i) +
                                 " is out of range [0, 10)");
    set.labels[i] = rec[0];
    std::copy_n(rec + 1, 3072, set.pixels.data() + i * 3072);
  }
  return set;
}

Dataset load_cifar10(const std::string& path) {
  std::map<std::string, ImageSet> batches;
  if (is_directory(path)) {
    batches = read_folder(path);
  } else if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz") || ends_with(path, ".tar")) {
    InputFile in(path);
    batches = read_archive(in);
  } else if (!is_regular_file(path)) {
    throw DataError(path, "missing file: expected a cifar-10-batches-bin folder or cifar-10-binary.tar.gz");
  } else {
    throw DataError(path, "not a folder or a .tar.gz/.tgz/.tar archive");
  }
  return cifar10_dataset(batches);
}

Dataset load_cifar10_archive(const uint8_t* data, size_t size, const std::string& where) {
  InputFile in(where, data, size);
  std::map<std::string, ImageSet> batches = read_archive(in);
  return cifar10_dataset(batches);
}

}  // namespace hsgd
