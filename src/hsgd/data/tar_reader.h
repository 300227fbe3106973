// tar_reader.h: walks the entries of a (gzip'ed) tar archive as a stream.
//
// Only what hsgd needs to read the official cifar-10-binary.tar.gz straight
// from disk without unpacking it: ustar/GNU headers, regular files, checksum
// verification. Entries are visited in archive order; the visitor decides per
// entry whether to read its bytes or skip them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hsgd {

class InputFile;

struct TarEntry {
  std::string name;   // full path inside the archive
  uint64_t size = 0;  // bytes
  char type = '0';    // '0' regular file, '5' directory, ...
};

// Calls `want(entry)` for each regular file; when it returns true, the entry's
// bytes are read and passed to `take(entry, bytes)`. Throws DataError on a
// corrupt header or a truncated archive.
void for_each_tar_entry(const std::string& path,
                        const std::function<bool(const TarEntry&)>& want,
                        const std::function<void(const TarEntry&, std::vector<uint8_t>&&)>& take);
// The same over an open input (a file, or bytes in memory).
void for_each_tar_entry(InputFile& in,
                        const std::function<bool(const TarEntry&)>& want,
                        const std::function<void(const TarEntry&, std::vector<uint8_t>&&)>& take);

}  // namespace hsgd
