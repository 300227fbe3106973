// dataset_registry_test.cc: data set specs, and the real data sets when present.
#include "hsgd/data/dataset_registry.h"

#include <filesystem>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;
using testing::TempDir;

TEST(DatasetRegistry, IdxFolderRawOrGzip) {
  TempDir dir;
  testing::write_idx_folder(dir.str(), 30, 10);
  // gzip two of the four files: a folder may mix them.
  ASSERT_EQ(testing::shell("gzip " + dir.file("train-images-idx3-ubyte") + " " + dir.file("t10k-labels-idx1-ubyte")), 0);
  const Dataset ds = load_dataset("idx:" + dir.str(), "/nonexistent");
  EXPECT_EQ(ds.train.size(), 30u);
  EXPECT_EQ(ds.test.size(), 10u);
  EXPECT_EQ(ds.normalization.mean.size(), 1u);  // computed from the training images
  EXPECT_GT(ds.normalization.stddev[0], 0.0f);
}

TEST(DatasetRegistry, IdxFourFiles) {
  TempDir dir;
  testing::write_idx_pair(dir.file("a"), dir.file("b"), 8, 5, 6);
  testing::write_idx_pair(dir.file("c"), dir.file("d"), 4, 5, 6);
  const Dataset ds =
      load_dataset("idx:" + dir.file("a") + "," + dir.file("b") + "," + dir.file("c") + "," + dir.file("d"), "");
  EXPECT_EQ(ds.train.shape, (ImageShape{1, 5, 6}));
  EXPECT_EQ(ds.test.size(), 4u);
}

TEST(DatasetRegistry, IdxTrainAndTestShapesMustAgree) {
  TempDir dir;
  testing::write_idx_pair(dir.file("a"), dir.file("b"), 8, 5, 6);
  testing::write_idx_pair(dir.file("c"), dir.file("d"), 4, 6, 5);
  expect_error<DataError>(
      [&] { load_dataset("idx:" + dir.file("a") + "," + dir.file("b") + "," + dir.file("c") + "," + dir.file("d"), ""); },
      {"train images are 1x5x6 but test images are 1x6x5"});
}

TEST(DatasetRegistry, MnistByNameUnderARoot) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("mnist"));
  testing::write_idx_folder(dir.file("mnist"), 20, 5);
  const Dataset ds = load_dataset("mnist", dir.str());
  EXPECT_EQ(ds.name, "mnist");
  EXPECT_EQ(ds.train.size(), 20u);
  EXPECT_FLOAT_EQ(ds.normalization.mean[0], 0.1307f);
}

TEST(DatasetRegistry, MissingFileIsNamed) {
  TempDir dir;
  testing::write_idx_folder(dir.str(), 20, 5);
  std::filesystem::remove(dir.file("t10k-labels-idx1-ubyte"));
  expect_error<DataError>([&] { load_dataset("mnist:" + dir.str(), ""); },
                          {dir.file("t10k-labels-idx1-ubyte"), "missing file"});
  expect_error<DataError>([&] { load_dataset("mnist", dir.file("nowhere")); }, {"nowhere/mnist", "missing folder"});
}

TEST(DatasetRegistry, BadSpecs) {
  expect_error<ConfigError>([] { load_dataset("imagenet", ""); }, {"unknown data set 'imagenet'", "mnist"});
  expect_error<ConfigError>([] { load_dataset("idx:", ""); }, {"idx:"});
  expect_error<ConfigError>([] { load_dataset("idx:a,b", ""); }, {"four", "got 2"});
}

// An IDX image/label pair of n 4x4 images with labels label(i).
template <typename LabelFn>
void write_idx_labelled(const std::string& images, const std::string& labels, uint32_t n, LabelFn label) {
  std::vector<uint8_t> px(n * 16), lb(n);
  for (uint32_t i = 0; i < n; ++i) {
    lb[i] = static_cast<uint8_t>(label(i));
    for (uint32_t k = 0; k < 16; ++k) px[i * 16 + k] = uint8_t(i * 3 + k);
  }
  testing::write_bytes(images, testing::idx_bytes({n, 4, 4}, px));
  testing::write_bytes(labels, testing::idx_bytes({n}, lb));
}

TEST(DatasetRegistry, IdxClassCountInferredFromTheLabels) {
  TempDir dir;
  write_idx_labelled(dir.file("a"), dir.file("b"), 20, [](uint32_t i) { return i % 5; });
  write_idx_labelled(dir.file("c"), dir.file("d"), 6, [](uint32_t i) { return i % 3; });
  const std::string files = dir.file("a") + "," + dir.file("b") + "," + dir.file("c") + "," + dir.file("d");
  Dataset ds = load_dataset("idx:" + files, "");
  EXPECT_EQ(ds.num_classes, 5);
  EXPECT_EQ(ds.classes_from, ClassSource::kInferred);
  EXPECT_EQ(describe_classes(ds), "5 classes (inferred: the largest label + 1; declare them with classes=N)");
  ds = load_dataset("idx:" + files + ",classes=7", "");
  EXPECT_EQ(ds.num_classes, 7);
  EXPECT_EQ(ds.classes_from, ClassSource::kDeclared);
  ASSERT_EQ(ds.notes.size(), 1u);
  EXPECT_EQ(ds.notes[0], "2 of the 7 classes have no training image: 5, 6");
  // A label beyond 9 is no error any more: 12 classes.
  write_idx_labelled(dir.file("b2"), dir.file("b"), 20, [](uint32_t i) { return i % 12; });
  EXPECT_EQ(load_dataset("idx:" + files, "").num_classes, 12);
}

TEST(DatasetRegistry, IdxDeclaredClassesCheckEveryLabel) {
  TempDir dir;
  write_idx_labelled(dir.file("train-images-idx3-ubyte"), dir.file("train-labels-idx1-ubyte"), 20,
                     [](uint32_t i) { return i % 4; });
  write_idx_labelled(dir.file("t10k-images-idx3-ubyte"), dir.file("t10k-labels-idx1-ubyte"), 8,
                     [](uint32_t i) { return i == 6 ? 4 : 0; });
  EXPECT_EQ(load_dataset("idx:" + dir.str() + ",classes=5", "").num_classes, 5);
  expect_error<DataError>([&] { load_dataset("idx:" + dir.str() + ",classes=4", ""); },
                          {dir.file("t10k-labels-idx1-ubyte") + ": label 4 at index 6 is out of range [0, 4)"});
  // The named sets keep their 10 classes.
  const Dataset fixed = [&] {
    TempDir mnist;
    testing::write_idx_folder(mnist.str(), 20, 10);
    return load_dataset("mnist:" + mnist.str(), "");
  }();
  EXPECT_EQ(fixed.num_classes, 10);
  EXPECT_EQ(fixed.classes_from, ClassSource::kFixed);
}

TEST(DatasetRegistry, SingleClassIsRefused) {
  TempDir dir;
  write_idx_labelled(dir.file("a"), dir.file("b"), 4, [](uint32_t) { return 0; });
  expect_error<DataError>(
      [&] {
        load_dataset("idx:" + dir.file("a") + "," + dir.file("b") + "," + dir.file("a") + "," + dir.file("b"), "");
      },
      {"every label is 0: a data set needs at least 2 classes"});
}

// n records of `label_bytes` label bytes (byte b of record i: (i + b) % mod) and 2x3x4 pixels.
std::vector<uint8_t> records(size_t n, int label_bytes, int mod) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < n; ++i) {
    for (int b = 0; b < label_bytes; ++b) out.push_back(static_cast<uint8_t>((i + b) % mod));
    for (int k = 0; k < 24; ++k) out.push_back(static_cast<uint8_t>(i * 5 + k));
  }
  return out;
}

TEST(DatasetRegistry, CifarStyleRecordsOfAnyShapeAndLabelBytes) {
  TempDir dir;
  testing::write_bytes(dir.file("train1.bin"), records(6, 2, 7));
  testing::write_gzip(dir.file("train2.bin.gz"), records(4, 2, 7));
  testing::write_bytes(dir.file("test.bin"), records(3, 2, 7));
  const std::string files = dir.file("train1.bin") + "," + dir.file("train2.bin.gz") + "," + dir.file("test.bin");
  Dataset ds = load_dataset("cifar:" + files + ",shape=2x3x4,label-bytes=2", "");
  EXPECT_EQ(ds.train.shape, (ImageShape{2, 3, 4}));
  EXPECT_EQ(ds.train.size(), 10u);
  EXPECT_EQ(ds.test.size(), 3u);
  EXPECT_EQ(ds.train.labels[0], 1);  // the last label byte by default (CIFAR-100's fine label)
  EXPECT_EQ(ds.train.image(1)[0], 5);
  EXPECT_EQ(ds.num_classes, 7);
  EXPECT_EQ(ds.normalization.mean.size(), 2u);
  ds = load_dataset("cifar:" + files + ",shape=2x3x4,label-bytes=2,label-byte=0,classes=9", "");
  EXPECT_EQ(ds.train.labels[0], 0);
  EXPECT_EQ(ds.num_classes, 9);
}

TEST(DatasetRegistry, CifarStyleHostileFiles) {
  TempDir dir;
  testing::write_bytes(dir.file("ok.bin"), records(4, 1, 3));
  auto cut = records(4, 1, 3);
  cut.resize(cut.size() - 7);
  testing::write_bytes(dir.file("cut.bin"), cut);
  testing::write_bytes(dir.file("empty.bin"), {});
  const auto spec = [&](const std::string& train, const std::string& test, const std::string& extra = "") {
    return "cifar:" + dir.file(train) + "," + dir.file(test) + ",shape=2x3x4" + extra;
  };
  expect_error<DataError>([&] { load_dataset(spec("cut.bin", "ok.bin"), ""); },
                          {dir.file("cut.bin") + ": truncated: record 3 has only 18 of its 25 bytes per record: 1 "
                                                 "label byte(s) + 2x3x4 = 24 pixel bytes"});
  expect_error<DataError>([&] { load_dataset(spec("ok.bin", "empty.bin"), ""); },
                          {dir.file("empty.bin") + ": empty file: no records"});
  expect_error<DataError>([&] { load_dataset(spec("ok.bin", "ok.bin", ",classes=2"), ""); },
                          {dir.file("ok.bin") + ": label 2 of record 2 (label byte 0) is out of range [0, 2)"});
  // A missing test file is named before any train file is read (cut.bin is broken).
  expect_error<DataError>([&] { load_dataset(spec("cut.bin", "missing.bin"), ""); },
                          {dir.file("missing.bin") + ": cannot open"});
}

TEST(DatasetRegistry, SpecOptionsAreCheckedBeforeAnyFileIsRead) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"idx:/d,classes=1", "--data idx:/d,classes=1: classes=1 must be a whole number in [2, 256]"},
      {"idx:/d,classes=300", "classes=300 must be a whole number in [2, 256]"},
      {"idx:/d,classes=-3", "classes=-3 must be a whole number"},
      {"idx:/d,classes=five", "classes=five must be a whole number"},
      {"idx:/d,clases=5", "unknown option 'clases' (options: classes;"},
      {"idx:/d,classes=5,classes=6", "classes is given twice"},
      {"idx:/d,", "empty item"},
      {"idx:a,b,classes=3", "idx: takes one folder or four comma-separated files, got 2"},
      {"cifar:a", "cifar: takes the train file(s), then the test file (2 to 1000 files), got 1"},
      {"cifar:a,b", "cifar: needs the image shape, shape=CxHxW"},
      {"cifar:a,b,shape=3x32", "shape=3x32 is not CxHxW"},
      {"cifar:a,b,shape=0x32x32", "shape=0x32x32 is out of range"},
      {"cifar:a,b,shape=3x5000x32", "is out of range"},
      {"cifar:a,b,shape=64x4096x4096", "is more than 2^24 bytes per image"},
      {"cifar:a,b,shape=3x32x32,label-bytes=5", "label-bytes=5 must be a whole number in [1, 4]"},
      {"cifar:a,b,shape=3x32x32,label-bytes=2,label-byte=2", "label-byte=2 must be a whole number in [0, 1]"},
      {"cifar:a,b,shape=3x32x32,label-byte=1", "label-byte=1 must be a whole number in [0, 0]"},
  };
  for (const auto& [spec, message] : cases) expect_error<ConfigError>([&] { check_dataset_spec(spec); }, {message});
  check_dataset_spec("idx:/data/run=3/x");  // '=' inside a path is no option
  check_dataset_spec("cifar:./shape=1.bin,b,shape=1x2x2");
}

TEST(DatasetRegistry, RealMnist) {
  const std::string root = HSGD_TEST_DATA_ROOT;
  if (!is_directory(root + "/mnist")) GTEST_SKIP() << "MNIST not fetched (scripts/setup.sh)";
  const Dataset ds = load_dataset("mnist", root);
  EXPECT_EQ(ds.train.size(), 60000u);
  EXPECT_EQ(ds.test.size(), 10000u);
  EXPECT_EQ(ds.train.pixels.size(), 60000u * 784);  // uint8: 47 MB, not 188 MB of floats
  EXPECT_EQ(ds.train.labels[0], 5);                 // the first MNIST training digit is a 5
}

TEST(DatasetRegistry, FashionMnistFromDebianPackage) {
  if (!is_directory("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist not installed (scripts/setup.sh)";
  const Dataset ds = load_dataset("fashion-mnist:/usr/share/datasets/fashion-mnist", "");
  EXPECT_EQ(ds.train.size(), 60000u);
  EXPECT_EQ(ds.test.size(), 10000u);
  EXPECT_EQ(ds.train.shape, (ImageShape{1, 28, 28}));
  const Dataset by_name = load_dataset("fashion-mnist", "/nonexistent-root");  // falls back to the system folder
  EXPECT_EQ(by_name.train.labels, ds.train.labels);
}

}  // namespace
}  // namespace hsgd
