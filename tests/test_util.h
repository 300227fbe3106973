// test_util.h: fixtures shared by the tests: a scratch folder per test and
// helpers that write (possibly broken) data files into it.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hsgd::testing {

// A fresh, empty folder for one test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("hsgd-test-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
             std::to_string(::getpid()) + "-" + std::to_string(next_id()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  // Several folders in one test are distinct folders.
  static int next_id() {
    static int id = 0;
    return ++id;
  }
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_gzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(gz);
}

// The bytes of a ubyte IDX file with the given dimensions and data.
inline std::vector<uint8_t> idx_bytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data,
                                      uint8_t type = 0x08) {
  std::vector<uint8_t> b = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    b.push_back(uint8_t(d >> 24));
    b.push_back(uint8_t(d >> 16));
    b.push_back(uint8_t(d >> 8));
    b.push_back(uint8_t(d));
  }
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// n images of h x w with pixel value (i + k) % 256, labels i % 10.
inline void write_idx_pair(const std::string& images, const std::string& labels, uint32_t n, uint32_t h = 28,
                           uint32_t w = 28) {
  std::vector<uint8_t> px(n * h * w), lb(n);
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t k = 0; k < h * w; ++k) px[i * h * w + k] = uint8_t((i + k) % 256);
    lb[i] = uint8_t(i % 10);
  }
  write_bytes(images, idx_bytes({n, h, w}, px));
  write_bytes(labels, idx_bytes({n}, lb));
}

// An MNIST-style folder: train (n_train) and t10k (n_test) image/label files.
inline void write_idx_folder(const std::string& dir, uint32_t n_train, uint32_t n_test) {
  write_idx_pair(dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte", n_train);
  write_idx_pair(dir + "/t10k-images-idx3-ubyte", dir + "/t10k-labels-idx1-ubyte", n_test);
}

// CIFAR records: n records, label (first_label + i) % 10, pixels (i * 7 + k) % 256.
inline std::vector<uint8_t> cifar_records(size_t n, uint8_t first_label = 0) {
  std::vector<uint8_t> b(n * 3073);
  for (size_t i = 0; i < n; ++i) {
    b[i * 3073] = uint8_t((first_label + i) % 10);
    for (size_t k = 0; k < 3072; ++k) b[i * 3073 + 1 + k] = uint8_t((i * 7 + k) % 256);
  }
  return b;
}

// Fills dir/cifar-10-batches-bin with 5 train batches and a test batch of n records each.
inline std::string write_cifar_folder(const std::string& dir, size_t n) {
  const std::string bin = dir + "/cifar-10-batches-bin";
  std::filesystem::create_directories(bin);
  for (int k = 1; k <= 5; ++k) write_bytes(bin + "/data_batch_" + std::to_string(k) + ".bin", cifar_records(n, k));
  write_bytes(bin + "/test_batch.bin", cifar_records(n, 0));
  write_bytes(bin + "/batches.meta.txt", {'a', '\n'});
  return bin;
}

// The whole file at `path` ("" if it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs a shell command; returns its exit status.
inline int shell(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Expects `fn` to throw an exception of type E whose message contains every fragment.
template <typename E, typename Fn>
void expect_error(Fn&& fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

}  // namespace hsgd::testing
