// tar_reader.cc: streaming ustar parsing over InputFile (raw or gzip'ed).
#include "hsgd/data/tar_reader.h"

#include <cstring>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"

namespace hsgd {
namespace {

constexpr size_t kBlock = 512;

uint64_t parse_octal(const char* field, size_t len, const std::string& path, uint64_t at) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < len && (field[i] == ' ' || field[i] == '\0')) ++i;
  for (; i < len && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7')
      throw DataError(path, "not a tar archive, or a corrupt one: non-octal digit in the header at byte " +
                                std::to_string(at));
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

std::string field_string(const char* field, size_t len) {
  return std::string(field, strnlen(field, len));
}

}  // namespace

void for_each_tar_entry(const std::string& path,
                        const std::function<bool(const TarEntry&)>& want,
                        const std::function<void(const TarEntry&, std::vector<uint8_t>&&)>& take) {
  InputFile in(path);
  for_each_tar_entry(in, want, take);
}

void for_each_tar_entry(InputFile& in,
                        const std::function<bool(const TarEntry&)>& want,
                        const std::function<void(const TarEntry&, std::vector<uint8_t>&&)>& take) {
  const std::string& path = in.path();
  char header[kBlock];
  std::string long_name;  // GNU 'L' entries carry the next entry's long name
  while (true) {
    const uint64_t at = in.offset();
    const size_t got = in.read(header, kBlock);
    if (got == 0) break;  // archive without end-of-archive blocks: tolerated
    if (got < kBlock)
      throw DataError(path, "truncated tar archive: partial header at byte " + std::to_string(at));
    bool all_zero = true;
    for (char c : header) all_zero = all_zero && c == 0;
    if (all_zero) break;  // end of archive

    const uint64_t stored_sum = parse_octal(header + 148, 8, path, at);
    uint64_t sum = 0;
    for (size_t i = 0; i < kBlock; ++i)
      sum += (i >= 148 && i < 156) ? uint64_t{' '} : static_cast<unsigned char>(header[i]);
    if (sum != stored_sum)
      throw DataError(path, "not a tar archive, or a corrupt one: header checksum mismatch at byte " +
                                std::to_string(at));

    TarEntry entry;
    entry.size = parse_octal(header + 124, 12, path, at);
    entry.type = header[156] == '\0' ? '0' : header[156];
    entry.name = field_string(header, 100);
    if (std::memcmp(header + 257, "ustar", 5) == 0) {
      const std::string prefix = field_string(header + 345, 155);
      if (!prefix.empty()) entry.name = prefix + "/" + entry.name;
    }
    if (!long_name.empty()) {
      entry.name = long_name;
      long_name.clear();
    }
    const uint64_t padded = (entry.size + kBlock - 1) / kBlock * kBlock;
    const std::string what = "tar entry '" + entry.name + "'";

    if (entry.type == 'L') {  // GNU long name for the following entry
      std::vector<uint8_t> name;
      in.append_exact(name, entry.size, what);
      in.skip(padded - entry.size, what + " padding");
      long_name.assign(name.begin(), name.end());
      while (!long_name.empty() && long_name.back() == '\0') long_name.pop_back();
      continue;
    }
    if (entry.type == '0' && want(entry)) {
      std::vector<uint8_t> bytes;
      in.append_exact(bytes, entry.size, what);
      in.skip(padded - entry.size, what + " padding");
      take(entry, std::move(bytes));
    } else {
      in.skip(padded, what);
    }
  }
}

}  // namespace hsgd
