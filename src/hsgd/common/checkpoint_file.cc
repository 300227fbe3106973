// checkpoint_file.cc: see checkpoint_file.h.
#include "hsgd/common/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "hsgd/common/text_file.h"

namespace hsgd {
namespace {

template <typename T>
void append(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

uint32_t crc_of(const char* bytes, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {  // zlib takes at most 4 GiB at a time
    const uInt chunk = static_cast<uInt>(std::min<size_t>(size, size_t{1} << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes), chunk);
    bytes += chunk;
    size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

// Reads fixed-size values from a byte string, each read checked against what is left.
class Cursor {
 public:
  Cursor(const std::string& bytes, size_t end, const std::string& where) : bytes_(bytes), end_(end), where_(where) {}
  template <typename T>
  T take(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string take_bytes(uint64_t count, const char* what) {
    need(count, what);
    std::string out = bytes_.substr(at_, static_cast<size_t>(count));
    at_ += static_cast<size_t>(count);
    return out;
  }
  size_t at() const { return at_; }

 private:
  void need(uint64_t count, const char* what) const {
    if (count > end_ - at_)
      throw CheckpointError(where_ + ": truncated or corrupt checkpoint: " + what + " needs " + std::to_string(count) +
                            " bytes at offset " + std::to_string(at_) + ", " + std::to_string(end_ - at_) + " left");
  }
  const std::string& bytes_;
  size_t end_;
  const std::string& where_;
  size_t at_ = 0;
};

}  // namespace

void CheckpointFile::set(const std::string& name, std::string bytes) {
  HSGD_CHECK(!name.empty() && name.size() <= kMaxName, "checkpoint section name '", name, "'");
  sections_[name] = std::move(bytes);
  HSGD_CHECK(sections_.size() <= kMaxSections, "too many checkpoint sections");
}

void CheckpointFile::set_floats(const std::string& name, const float* values, size_t count) {
  set(name, std::string(reinterpret_cast<const char*>(values), count * sizeof(float)));
}

void CheckpointFile::set_u64s(const std::string& name, const std::vector<uint64_t>& values) {
  set(name, std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(uint64_t)));
}

void CheckpointFile::set_f64s(const std::string& name, const std::vector<double>& values) {
  set(name, std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double)));
}

const std::string& CheckpointFile::get(const std::string& name) const {
  const auto it = sections_.find(name);
  if (it == sections_.end()) throw CheckpointError(where_ + ": the checkpoint has no section '" + name + "'");
  return it->second;
}

namespace {

template <typename T>
std::vector<T> values_of(const std::string& bytes, size_t count, const std::string& where, const std::string& name,
                         const char* type) {
  if (bytes.size() != count * sizeof(T))
    throw CheckpointError(where + ": section '" + name + "' holds " + std::to_string(bytes.size()) + " bytes, expected " +
                          std::to_string(count) + " " + type + " (" + std::to_string(count * sizeof(T)) +
                          " bytes): a checkpoint of another model or run?");
  std::vector<T> out(count);
  if (count > 0) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::vector<float> CheckpointFile::floats(const std::string& name, size_t count) const {
  return values_of<float>(get(name), count, where_, name, "floats");
}

std::vector<uint64_t> CheckpointFile::u64s(const std::string& name, size_t count) const {
  return values_of<uint64_t>(get(name), count, where_, name, "integers");
}

std::vector<double> CheckpointFile::f64s(const std::string& name, size_t count) const {
  return values_of<double>(get(name), count, where_, name, "numbers");
}

size_t CheckpointFile::count8(const std::string& name) const {
  const std::string& bytes = get(name);
  if (bytes.size() % 8 != 0)
    throw CheckpointError(where_ + ": section '" + name + "' has " + std::to_string(bytes.size()) +
                          " bytes, not a whole number of 8-byte values");
  return bytes.size() / 8;
}

std::string CheckpointFile::serialize() const {
  std::string out(kMagic, 8);
  append<uint32_t>(out, kFormat);
  append<uint32_t>(out, static_cast<uint32_t>(sections_.size()));
  for (const auto& [name, bytes] : sections_) {
    append<uint16_t>(out, static_cast<uint16_t>(name.size()));
    out += name;
    append<uint64_t>(out, bytes.size());
    out += bytes;
  }
  append<uint32_t>(out, crc_of(out.data(), out.size()));
  return out;
}

void CheckpointFile::write_atomically(const std::string& path) const {
  const std::string bytes = serialize();
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write the checkpoint " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());  // the last whole checkpoint stays; no cut one is left beside it
      throw Error("cannot write the checkpoint " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw Error("cannot sync the checkpoint " + tmp + ": " + why);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw Error("cannot rename " + tmp + " to " + path + ": " + why);
  }
}

CheckpointFile CheckpointFile::parse(const std::string& bytes, const std::string& where) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw CheckpointError(where + ": not an hsgd checkpoint (no HSGDCKPT magic)");
  constexpr size_t kSmallest = 8 + 4 + 4 + 4;  // magic, format, section count, checksum
  if (bytes.size() < kSmallest)
    throw CheckpointError(where + ": truncated checkpoint: " + std::to_string(bytes.size()) + " bytes, at least " +
                          std::to_string(kSmallest) + " expected");
  const size_t body = bytes.size() - 4;
  uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + body, 4);
  Cursor in(bytes, body, where);
  in.take_bytes(8, "the magic");
  const uint32_t format = in.take<uint32_t>("the format");
  if (format != kFormat)
    throw CheckpointError(where + ": checkpoint format " + std::to_string(format) + ", this hsgd reads format " +
                          std::to_string(kFormat));
  if (crc_of(bytes.data(), body) != stored_crc)
    throw CheckpointError(where + ": checksum mismatch: the checkpoint is corrupt or truncated");
  const uint32_t count = in.take<uint32_t>("the section count");
  if (count > kMaxSections)
    throw CheckpointError(where + ": " + std::to_string(count) + " sections, at most " + std::to_string(kMaxSections));
  CheckpointFile file;
  file.where_ = where;
  for (uint32_t i = 0; i < count; ++i) {
    const uint16_t length = in.take<uint16_t>("a section name's length");
    if (length == 0 || length > kMaxName)
      throw CheckpointError(where + ": section " + std::to_string(i) + " has a name of " + std::to_string(length) +
                            " bytes (1 to " + std::to_string(kMaxName) + " allowed)");
    std::string name = in.take_bytes(length, "a section name");
    const uint64_t size = in.take<uint64_t>("a section's size");
    std::string payload = in.take_bytes(size, "a section's payload");
    if (!file.sections_.emplace(std::move(name), std::move(payload)).second)
      throw CheckpointError(where + ": section " + std::to_string(i) + " repeats an earlier section's name");
  }
  if (in.at() != body)
    throw CheckpointError(where + ": " + std::to_string(body - in.at()) + " stray bytes after the last section");
  return file;
}

CheckpointFile CheckpointFile::read(const std::string& path, size_t max_bytes) {
  return parse(read_bounded_text_file(path, max_bytes, "the checkpoint"), path);
}

}  // namespace hsgd
