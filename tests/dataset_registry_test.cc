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
