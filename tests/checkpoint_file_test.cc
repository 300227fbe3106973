// checkpoint_file_test.cc: the checkpoint container (common/checkpoint_file.h):
// sections round-trip exactly through an atomic write; the same state gives
// the same bytes; every flipped byte and every truncation is refused; a
// section of the wrong size (another model) or a missing one is named with
// the file; files that are too large or not regular are refused unread.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hsgd/common/checkpoint_file.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;

CheckpointFile sample() {
  CheckpointFile f;
  const float params[5] = {1.5f, -2.0f, 0.0f, 3.25f, -0.125f};
  f.set_floats("params", params, 5);
  f.set_u64s("accounting", {7, 0, 42});
  f.set("schedule", "step:S=300");
  return f;
}

TEST(CheckpointFile, SectionsRoundTripThroughAnAtomicWrite) {
  testing::TempDir dir;
  const std::string path = dir.file("ckpt");
  sample().write_atomically(path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const CheckpointFile back = CheckpointFile::read(path, 1 << 20);
  EXPECT_EQ(back.floats("params", 5), (std::vector<float>{1.5f, -2.0f, 0.0f, 3.25f, -0.125f}));
  EXPECT_EQ(back.u64s("accounting", 3), (std::vector<uint64_t>{7, 0, 42}));
  EXPECT_EQ(back.get("schedule"), "step:S=300");
  EXPECT_FALSE(back.has("optimizer"));
}

TEST(CheckpointFile, TheSameStateGivesTheSameBytesWhateverTheOrderOfWriting) {
  CheckpointFile other;
  other.set("schedule", "step:S=300");
  other.set_u64s("accounting", {7, 0, 42});
  const float params[5] = {1.5f, -2.0f, 0.0f, 3.25f, -0.125f};
  other.set_floats("params", params, 5);
  EXPECT_EQ(sample().serialize(), other.serialize());
}

TEST(CheckpointFile, EveryFlippedByteIsRefused) {
  const std::string good = sample().serialize();
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_THROW(CheckpointFile::parse(bad, "ckpt"), CheckpointError) << "byte " << i;
  }
}

TEST(CheckpointFile, EveryTruncationIsRefused) {
  const std::string good = sample().serialize();
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_THROW(CheckpointFile::parse(good.substr(0, n), "ckpt"), CheckpointError) << n << " bytes";
}

TEST(CheckpointFile, ProblemsAreNamedWithTheFile) {
  const std::string good = sample().serialize();
  std::string flipped = good;
  flipped[30] = static_cast<char>(flipped[30] ^ 1);
  expect_error<CheckpointError>([&] { CheckpointFile::parse(flipped, "run/checkpoint"); },
                                {"run/checkpoint", "checksum mismatch"});
  expect_error<CheckpointError>([&] { CheckpointFile::parse("step,time\n1,2\n", "run/metrics.csv"); },
                                {"run/metrics.csv", "not an hsgd checkpoint"});
  std::string future = good;
  future[8] = 9;
  expect_error<CheckpointError>([&] { CheckpointFile::parse(future, "c"); }, {"checkpoint format 9", "format 1"});
  const CheckpointFile back = CheckpointFile::parse(good, "run/checkpoint");
  expect_error<CheckpointError>([&] { back.floats("params", 6); },
                                {"run/checkpoint", "'params'", "20 bytes", "expected 6 floats", "another model"});
  expect_error<CheckpointError>([&] { back.get("rng"); }, {"run/checkpoint", "no section 'rng'"});
}

TEST(CheckpointFile, FilesTooLargeOrNotRegularAreRefusedUnread) {
  testing::TempDir dir;
  sample().write_atomically(dir.file("ckpt"));
  const auto size = std::filesystem::file_size(dir.file("ckpt"));
  expect_error<Error>([&] { CheckpointFile::read(dir.file("ckpt"), size - 1); }, {dir.file("ckpt")});
  expect_error<Error>([&] { CheckpointFile::read(dir.str(), 1 << 20); }, {dir.str()});
  expect_error<Error>([&] { CheckpointFile::read(dir.file("missing"), 1 << 20); }, {dir.file("missing")});
}

}  // namespace
}  // namespace hsgd
