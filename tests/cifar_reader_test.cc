// cifar_reader_test.cc: CIFAR-10 binary batches from folders and archives.
#include "hsgd/data/cifar_reader.h"

#include <filesystem>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

TEST(CifarReader, ParsesRecordsPlaneByPlane) {
  const ImageSet set = parse_cifar_records(testing::cifar_records(3, 4), "mem");
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.shape, (ImageShape{3, 32, 32}));
  EXPECT_EQ(set.labels, (std::vector<uint8_t>{4, 5, 6}));
  EXPECT_EQ(set.image(2)[0], 14);            // (2*7 + 0) % 256
  EXPECT_EQ(set.image(2)[1024], (14 + 1024) % 256);  // first green pixel
}

TEST(CifarReader, LoadsAFolderAndItsParent) {
  TempDir dir;
  const std::string bin = testing::write_cifar_folder(dir.str(), 20);
  for (const auto& path : {bin, dir.str()}) {
    const Dataset ds = load_cifar10(path);
    EXPECT_EQ(ds.train.size(), 100u);
    EXPECT_EQ(ds.test.size(), 20u);
    EXPECT_EQ(ds.train.labels[0], 1);   // data_batch_1 starts at label 1
    EXPECT_EQ(ds.train.labels[20], 2);  // data_batch_2 at label 2
    EXPECT_EQ(ds.normalization.mean.size(), 3u);
  }
}

TEST(CifarReader, LoadsATarGzArchiveWithoutUnpacking) {
  TempDir dir;
  testing::write_cifar_folder(dir.str(), 10);
  ASSERT_EQ(testing::shell("tar -czf " + dir.file("c.tar.gz") + " -C " + dir.str() + " cifar-10-batches-bin"), 0);
  std::filesystem::remove_all(dir.file("cifar-10-batches-bin"));
  const Dataset ds = load_cifar10(dir.file("c.tar.gz"));
  EXPECT_EQ(ds.train.size(), 50u);
  EXPECT_EQ(ds.test.size(), 10u);
  EXPECT_EQ(ds.train.labels[10], 2);
}

TEST(CifarReader, LoadsAnArchiveInMemory) {
  TempDir dir;
  testing::write_cifar_folder(dir.str(), 10);
  ASSERT_EQ(testing::shell("tar -czf " + dir.file("c.tar.gz") + " -C " + dir.str() + " cifar-10-batches-bin"), 0);
  const std::vector<uint8_t> bytes = testing::read_bytes(dir.file("c.tar.gz"));
  const Dataset ds = load_cifar10_archive(bytes.data(), bytes.size(), "in memory");
  EXPECT_EQ(ds.train.size(), 50u);
  EXPECT_EQ(ds.test.size(), 10u);
  EXPECT_EQ(ds.train.labels[10], 2);
  const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
  expect_error<DataError>([&] { load_cifar10_archive(cut.data(), cut.size(), "in memory"); }, {"in memory"});
}

TEST(CifarReader, SizeNotAMultipleOf3073) {
  TempDir dir;
  const std::string bin = testing::write_cifar_folder(dir.str(), 5);
  auto bytes = testing::cifar_records(5);
  bytes.pop_back();
  write_bytes(bin + "/data_batch_3.bin", bytes);
  expect_error<DataError>([&] { load_cifar10(bin); },
                          {bin + "/data_batch_3.bin", "size 15364", "not a multiple of 3073"});
}

TEST(CifarReader, SizeErrorInsideAnArchiveNamesTheEntry) {
  TempDir dir;
  const std::string bin = testing::write_cifar_folder(dir.str(), 5);
  write_bytes(bin + "/test_batch.bin", std::vector<uint8_t>(3000, 1));
  ASSERT_EQ(testing::shell("tar -czf " + dir.file("c.tgz") + " -C " + dir.str() + " cifar-10-batches-bin"), 0);
  expect_error<DataError>([&] { load_cifar10(dir.file("c.tgz")); },
                          {dir.file("c.tgz") + ":cifar-10-batches-bin/test_batch.bin", "not a multiple of 3073"});
}

TEST(CifarReader, LabelOutOfRange) {
  auto bytes = testing::cifar_records(4);
  bytes[2 * 3073] = 10;
  expect_error<DataError>([&] { parse_cifar_records(bytes, "x.bin"); }, {"x.bin", "label 10 of record 2"});
}

TEST(CifarReader, MissingBatchFile) {
  TempDir dir;
  const std::string bin = testing::write_cifar_folder(dir.str(), 2);
  std::filesystem::remove(bin + "/data_batch_4.bin");
  expect_error<DataError>([&] { load_cifar10(bin); }, {bin + "/data_batch_4.bin", "missing file"});
  ASSERT_EQ(testing::shell("tar -czf " + dir.file("c.tar.gz") + " -C " + dir.str() + " cifar-10-batches-bin"), 0);
  expect_error<DataError>([&] { load_cifar10(dir.file("c.tar.gz")); },
                          {dir.file("c.tar.gz"), "has no data_batch_4.bin"});
}

TEST(CifarReader, MissingPath) {
  TempDir dir;
  expect_error<DataError>([&] { load_cifar10(dir.file("nothing.tar.gz")); }, {"nothing.tar.gz", "cannot open"});
  expect_error<DataError>([&] { load_cifar10(dir.file("nothing")); }, {"nothing", "missing"});
}

TEST(CifarReader, TruncatedArchive) {
  TempDir dir;
  testing::write_cifar_folder(dir.str(), 30);
  ASSERT_EQ(testing::shell("tar -cf " + dir.file("c.tar") + " -C " + dir.str() + " cifar-10-batches-bin"), 0);
  auto bytes = testing::read_bytes(dir.file("c.tar"));
  bytes.resize(bytes.size() / 2 + 100);
  write_bytes(dir.file("cut.tar"), bytes);
  expect_error<DataError>([&] { load_cifar10(dir.file("cut.tar")); }, {dir.file("cut.tar"), "truncated"});
}

TEST(CifarReader, NotATarArchive) {
  TempDir dir;
  write_bytes(dir.file("junk.tar.gz"), std::vector<uint8_t>(2048, 'x'));
  expect_error<DataError>([&] { load_cifar10(dir.file("junk.tar.gz")); }, {"junk.tar.gz", "not a tar archive"});
}

TEST(CifarReader, SharedCifar10Archive) {
  const std::string path = std::string(HSGD_TEST_DATA_ROOT) + "/cifar-10-binary.tar.gz";
  if (!is_regular_file(path)) GTEST_SKIP() << "no CIFAR-10 archive at " << path << " (scripts/setup.sh links it)";
  const Dataset ds = load_cifar10(path);
  EXPECT_EQ(ds.train.size(), 50000u);
  EXPECT_EQ(ds.test.size(), 10000u);
  std::vector<int> per_class(10, 0);
  for (uint8_t l : ds.test.labels) ++per_class[l];
  for (int c : per_class) EXPECT_EQ(c, 1000);
}

}  // namespace
}  // namespace hsgd
