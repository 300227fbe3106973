// idx_reader_test.cc: IDX files, good and broken, raw and gzip'ed.
#include "hsgd/data/idx_reader.h"

#include <cmath>
#include <cstring>

#include "hsgd/common/error.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;
using testing::idx_bytes;
using testing::TempDir;
using testing::write_bytes;
using testing::write_gzip;

TEST(IdxReader, ReadsRawAndGzipIdentically) {
  TempDir dir;
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  write_bytes(dir.file("a"), idx_bytes({2, 3}, data));
  write_gzip(dir.file("a.gz"), idx_bytes({2, 3}, data));
  for (const auto& path : {dir.file("a"), dir.file("a.gz")}) {
    const IdxArray array = read_idx(path);
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(array.data, data);
  }
}

TEST(IdxReader, BytesInMemoryReadLikeAFile) {
  TempDir dir;
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  const std::vector<uint8_t> raw = idx_bytes({2, 3}, data);
  write_gzip(dir.file("a.gz"), raw);
  for (const auto& bytes : {raw, testing::read_bytes(dir.file("a.gz"))}) {
    const IdxArray array = read_idx(bytes.data(), bytes.size(), "in memory");
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(array.data, data);
  }
  const std::vector<uint8_t> cut(raw.begin(), raw.end() - 1);
  expect_error<DataError>([&] { read_idx(cut.data(), cut.size(), "in memory"); }, {"in memory", "truncated"});
  expect_error<DataError>([&] { read_idx(nullptr, 0, "nothing"); }, {"nothing", "truncated", "magic"});
}

TEST(IdxReader, ImagesAndLabelsPair) {
  TempDir dir;
  testing::write_idx_pair(dir.file("img"), dir.file("lbl"), 12);
  const ImageSet set = read_idx_images(dir.file("img"), dir.file("lbl"), 10, {1, 28, 28});
  EXPECT_EQ(set.size(), 12u);
  EXPECT_EQ(set.shape, (ImageShape{1, 28, 28}));
  EXPECT_EQ(set.pixels.size(), 12u * 784);
  EXPECT_EQ(set.labels[11], 1);
  EXPECT_EQ(set.image(3)[5], 8);
}

TEST(IdxReader, FourDimensionalImagesHaveChannels) {
  TempDir dir;
  write_bytes(dir.file("img"), idx_bytes({2, 3, 4, 5}, std::vector<uint8_t>(120, 7)));
  write_bytes(dir.file("lbl"), idx_bytes({2}, {0, 1}));
  const ImageSet set = read_idx_images(dir.file("img"), dir.file("lbl"), 10);
  EXPECT_EQ(set.shape, (ImageShape{3, 4, 5}));
}

TEST(IdxReader, MissingFile) {
  TempDir dir;
  expect_error<DataError>([&] { read_idx(dir.file("nope")); }, {dir.file("nope"), "cannot open"});
}

TEST(IdxReader, WrongMagicNumber) {
  TempDir dir;
  write_bytes(dir.file("bad"), {0x12, 0x34, 0x08, 0x01, 0, 0, 0, 0});
  expect_error<DataError>([&] { read_idx(dir.file("bad")); }, {dir.file("bad"), "wrong magic number 0x12340801"});
}

TEST(IdxReader, UnsupportedElementType) {
  TempDir dir;
  write_bytes(dir.file("f"), idx_bytes({1}, {0, 0, 0, 0}, 0x0E));
  expect_error<DataError>([&] { read_idx(dir.file("f")); },
                          {"element type 0x0E (double)", "hsgd reads unsigned byte (0x08) and float (0x0D) files"});
}

TEST(IdxReader, FloatImagesAreKeptAsFloat32BitForBit) {
  TempDir dir;
  const std::vector<float> values = {0.1f, -0.0f, 1e-45f, 3.4028235e38f, -2.5f, 0.333333343f};
  write_idx(dir.file("img"), {3, 1, 2}, values);
  write_bytes(dir.file("lbl"), idx_bytes({3}, {0, 1, 2}));
  const IdxArray raw = read_idx(dir.file("img"));
  EXPECT_EQ(raw.type, kIdxFloat);
  EXPECT_EQ(raw.data.size(), 24u);
  EXPECT_EQ(raw.data[0], 0x3D);  // 0.1f = 0x3DCCCCCD, big-endian
  const ImageSet set = read_idx_images(dir.file("img"), dir.file("lbl"), 10);
  EXPECT_EQ(set.type, SampleType::kFloat32);
  EXPECT_EQ(set.shape, (ImageShape{1, 1, 2}));
  EXPECT_TRUE(set.pixels.empty());
  ASSERT_EQ(set.values.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(std::memcmp(&set.values[i], &values[i], 4), 0) << i;
}

TEST(IdxReader, FloatImagesMustBeFiniteAndLabelsBytes) {
  TempDir dir;
  write_idx(dir.file("nan"), {2, 1, 1}, std::vector<float>{1.0f, std::nanf("")});
  write_idx(dir.file("inf"), {2, 1, 1}, std::vector<float>{-INFINITY, 1.0f});
  write_bytes(dir.file("lbl"), idx_bytes({2}, {0, 1}));
  expect_error<DataError>([&] { read_idx_images(dir.file("nan"), dir.file("lbl"), 10); },
                          {dir.file("nan"), "value 1 is NaN: float images must hold finite numbers"});
  expect_error<DataError>([&] { read_idx_images(dir.file("inf"), dir.file("lbl"), 10); },
                          {dir.file("inf"), "value 0 is infinite"});
  write_idx(dir.file("flbl"), {2}, std::vector<float>{0.0f, 1.0f});
  expect_error<DataError>([&] { read_idx_images(dir.file("nan"), dir.file("flbl"), 10); },
                          {dir.file("flbl"), "a label file holds unsigned bytes (type 0x08), not float values"});
  // A float file's size counts 4 bytes per element.
  write_bytes(dir.file("cut"), idx_bytes({2, 1, 1}, {0, 0, 0, 0, 0, 0, 0}, 0x0D));
  expect_error<DataError>([&] { read_idx(dir.file("cut")); }, {dir.file("cut"), "truncated"});
}

TEST(IdxReader, TooManyDimensions) {
  TempDir dir;
  write_bytes(dir.file("f"), {0, 0, 8, 9});
  expect_error<DataError>([&] { read_idx(dir.file("f")); }, {"wrong dimensions", "9 dimensions"});
}

TEST(IdxReader, TruncatedHeader) {
  TempDir dir;
  write_bytes(dir.file("f"), {0, 0, 8, 3, 0, 0});
  expect_error<DataError>([&] { read_idx(dir.file("f")); }, {dir.file("f"), "truncated", "dimension 0"});
}

TEST(IdxReader, TruncatedData) {
  TempDir dir;
  auto bytes = idx_bytes({10, 28, 28}, std::vector<uint8_t>(10 * 784, 1));
  bytes.resize(bytes.size() - 100);
  write_bytes(dir.file("raw"), bytes);
  expect_error<DataError>([&] { read_idx(dir.file("raw")); }, {dir.file("raw"), "truncated", "7840 bytes", "7740"});
  write_gzip(dir.file("gz"), bytes);
  expect_error<DataError>([&] { read_idx(dir.file("gz")); }, {dir.file("gz"), "truncated"});
}

TEST(IdxReader, TruncatedGzipStream) {
  TempDir dir;
  write_gzip(dir.file("full.gz"), idx_bytes({1000, 28, 28}, std::vector<uint8_t>(784000, 3)));
  auto gz = testing::read_bytes(dir.file("full.gz"));
  gz.resize(gz.size() / 2);
  write_bytes(dir.file("cut.gz"), gz);
  expect_error<DataError>([&] { read_idx(dir.file("cut.gz")); }, {dir.file("cut.gz")});
}

TEST(IdxReader, HugeDeclaredSizeFailsWithoutAllocating) {
  TempDir dir;
  write_bytes(dir.file("f"), idx_bytes({0xFFFFFFFF, 0xFFFF}, {}));
  expect_error<DataError>([&] { read_idx(dir.file("f")); }, {"more than 16 GiB"});
  write_bytes(dir.file("g"), idx_bytes({0x7FFFFFFF}, {1, 2, 3}));
  expect_error<DataError>([&] { read_idx(dir.file("g")); }, {"truncated", "only 3 present"});
}

TEST(IdxReader, TrailingBytes) {
  TempDir dir;
  auto bytes = idx_bytes({2}, {1, 2});
  bytes.push_back(9);
  write_bytes(dir.file("f"), bytes);
  expect_error<DataError>([&] { read_idx(dir.file("f")); }, {"unexpected bytes after"});
}

TEST(IdxReader, ImageFileWithWrongDimensions) {
  TempDir dir;
  write_bytes(dir.file("img"), idx_bytes({4, 784}, std::vector<uint8_t>(4 * 784)));
  write_bytes(dir.file("lbl"), idx_bytes({4}, {0, 1, 2, 3}));
  expect_error<DataError>([&] { read_idx_images(dir.file("img"), dir.file("lbl"), 10); },
                          {dir.file("img"), "wrong dimensions (4 x 784)"});
}

TEST(IdxReader, ImagesOfUnexpectedShape) {
  TempDir dir;
  testing::write_idx_pair(dir.file("img"), dir.file("lbl"), 3, 32, 32);
  expect_error<DataError>([&] { read_idx_images(dir.file("img"), dir.file("lbl"), 10, {1, 28, 28}); },
                          {"images are 1x32x32, expected 1x28x28"});
}

TEST(IdxReader, LabelFileWithWrongDimensions) {
  TempDir dir;
  testing::write_idx_pair(dir.file("img"), dir.file("lbl"), 4);
  write_bytes(dir.file("lbl2"), idx_bytes({2, 2}, {0, 1, 2, 3}));
  expect_error<DataError>([&] { read_idx_images(dir.file("img"), dir.file("lbl2"), 10); },
                          {dir.file("lbl2"), "wrong dimensions (2 x 2)"});
}

TEST(IdxReader, CountMismatch) {
  TempDir dir;
  testing::write_idx_pair(dir.file("img"), dir.file("lbl"), 5);
  write_bytes(dir.file("lbl4"), idx_bytes({4}, {0, 1, 2, 3}));
  expect_error<DataError>([&] { read_idx_images(dir.file("img"), dir.file("lbl4"), 10); },
                          {dir.file("lbl4"), "count mismatch", "4 labels for 5 images"});
}

TEST(IdxReader, LabelOutOfRange) {
  TempDir dir;
  testing::write_idx_pair(dir.file("img"), dir.file("lbl"), 3);
  write_bytes(dir.file("lbl"), idx_bytes({3}, {0, 10, 2}));
  expect_error<DataError>([&] { read_idx_images(dir.file("img"), dir.file("lbl"), 10); },
                          {dir.file("lbl"), "label 10 at index 1 is out of range [0, 10)"});
}

TEST(IdxReader, WriteThenReadRoundTrips) {
  TempDir dir;
  const std::vector<uint8_t> data = {9, 8, 7, 6};
  write_idx(dir.file("w"), {4}, data);
  EXPECT_EQ(read_idx(dir.file("w")).data, data);
}

}  // namespace
}  // namespace hsgd
