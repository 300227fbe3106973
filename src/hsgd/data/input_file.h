// input_file.h: reads a file that may be raw or gzip-compressed, through zlib.
//
// zlib's gzread passes raw files through unchanged, so one reader serves
// "train-images-idx3-ubyte" and "train-images-idx3-ubyte.gz" alike. Every
// failure is a DataError naming the file: missing, unreadable, corrupt gzip
// stream, or fewer bytes than the caller needs (truncated).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hsgd {

class InputFile {
 public:
  explicit InputFile(std::string path);  // throws DataError if missing or unreadable
  // Reads `size` bytes at `data` (copied at once); `name` names them in errors.
  InputFile(std::string name, const uint8_t* data, size_t size);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to n bytes; returns how many were read (fewer only at end of file).
  size_t read(void* dst, size_t n);
  // Reads exactly n bytes or throws DataError "truncated: <what> ...".
  void read_exact(void* dst, size_t n, const std::string& what);
  // Appends exactly n bytes to out, growing it as data arrives, so a corrupt
  // header that declares terabytes fails as "truncated", not as a huge allocation.
  void append_exact(std::vector<uint8_t>& out, size_t n, const std::string& what);
  // Skips n bytes; throws if the file ends first.
  void skip(size_t n, const std::string& what);
  // True when no byte is left.
  bool at_end();
  // Uncompressed bytes read so far.
  uint64_t offset() const { return offset_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* gz_ = nullptr;  // gzFile; void* keeps <zlib.h> out of this header
  uint64_t offset_ = 0;
};

// True when `path` names an existing directory / regular file.
bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

}  // namespace hsgd
