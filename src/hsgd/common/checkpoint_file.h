// checkpoint_file.h: the container a checkpoint is stored in (issue 13): named
// sections of bytes, written atomically and validated before anything in it
// is trusted. What goes into the sections (parameters, optimizer state, K
// schedule, accounting, RNG states...) is up to the writer.
//
// Layout, little-endian:
//   offset 0   magic          8 bytes  "HSGDCKPT"
//          8   format         u32      kFormat
//         12   sections       u32      at most kMaxSections
//         16   each section:  u16 name length (1..kMaxName), the name,
//                             u64 payload bytes, the payload
//         end  CRC-32         u32      of every byte before it
// A file is read whole (at most `max_bytes`), then checked: size, magic,
// format, every length against what is left, unique names, the checksum. A
// bad file is refused with a CheckpointError naming the file and the problem;
// no value is read from it before every check has passed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hsgd/common/error.h"

namespace hsgd {

class CheckpointError : public Error {
 public:
  using Error::Error;
};

class CheckpointFile {
 public:
  static constexpr char kMagic[9] = "HSGDCKPT";
  static constexpr uint32_t kFormat = 1;
  static constexpr uint32_t kMaxSections = 4096;
  static constexpr size_t kMaxName = 255;

  // Adds (or replaces) a section.
  void set(const std::string& name, std::string bytes);
  void set_floats(const std::string& name, const float* values, size_t count);
  void set_u64s(const std::string& name, const std::vector<uint64_t>& values);
  void set_f64s(const std::string& name, const std::vector<double>& values);

  bool has(const std::string& name) const { return sections_.count(name) > 0; }
  // The file it was read from, for messages ("checkpoint" when built in memory).
  const std::string& where() const { return where_; }
  // A section's bytes; CheckpointError (naming `where` and the section) when missing.
  const std::string& get(const std::string& name) const;
  // A section of exactly `count` floats or u64s; CheckpointError otherwise.
  std::vector<float> floats(const std::string& name, size_t count) const;
  std::vector<uint64_t> u64s(const std::string& name, size_t count) const;
  std::vector<double> f64s(const std::string& name, size_t count) const;
  // The number of 8-byte values in a section (CheckpointError unless whole).
  size_t count8(const std::string& name) const;

  // The whole file's bytes, checksum included.
  std::string serialize() const;
  // Writes `path` atomically: PATH.tmp, flushed and synced, then renamed over
  // PATH (a crash leaves the old checkpoint or the new one, never half of one).
  void write_atomically(const std::string& path) const;

  // Validates and parses a file's bytes; `where` names it in errors.
  static CheckpointFile parse(const std::string& bytes, const std::string& where);
  // Reads and parses `path`, refusing files over `max_bytes`.
  static CheckpointFile read(const std::string& path, size_t max_bytes);

 private:
  std::map<std::string, std::string> sections_;  // ordered: the same state gives the same bytes
  std::string where_ = "checkpoint";
};

}  // namespace hsgd
