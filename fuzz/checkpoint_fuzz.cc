// checkpoint_fuzz.cc: libFuzzer target for the checkpoint container
// (common/checkpoint_file.h), which `--resume` will read from disk.
//
// The input is a file's bytes. CheckpointFile::parse gets them twice: as they
// are, and with their trailing CRC-32 recomputed (so that the checks behind
// the checksum are reached too). A parsed file is then asked for its
// sections as a resume would ask (floats and integers of given counts,
// present or not), and serialised again: the result must parse to the same
// bytes. CheckpointError is the expected answer to bad input.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "hsgd/common/checkpoint_file.h"

namespace {

void parse_and_use(const std::string& bytes) {
  try {
    const hsgd::CheckpointFile file = hsgd::CheckpointFile::parse(bytes, "fuzz");
    for (const char* name : {"params", "accounting", "schedule", "x"}) {
      try {
        file.floats(name, 5);
      } catch (const hsgd::CheckpointError&) {
      }
      try {
        file.u64s(name, 3);
      } catch (const hsgd::CheckpointError&) {
      }
    }
    const std::string again = file.serialize();
    if (hsgd::CheckpointFile::parse(again, "again").serialize() != again) std::abort();
  } catch (const hsgd::CheckpointError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  parse_and_use(bytes);
  if (bytes.size() >= 4) {
    const uInt body = static_cast<uInt>(bytes.size() - 4);
    const uint32_t crc = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), body));
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    parse_and_use(bytes);
  }
  return 0;
}
