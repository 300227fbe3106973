// input_file.cc: zlib-backed reading of raw or gzip'ed files.
#include "hsgd/data/input_file.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hsgd/common/error.h"

namespace hsgd {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0)
    throw DataError(path_, std::string("cannot open: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw DataError(path_, "cannot open: not a regular file");
  gz_ = gzopen(path_.c_str(), "rb");
  if (gz_ == nullptr) throw DataError(path_, std::string("cannot open: ") + std::strerror(errno));
  gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
}

InputFile::InputFile(std::string name, const uint8_t* data, size_t size) : path_(std::move(name)) {
  const int fd = ::memfd_create("hsgd-input", MFD_CLOEXEC);
  if (fd < 0) throw DataError(path_, std::string("cannot hold the bytes in memory: ") + std::strerror(errno));
  for (size_t done = 0; done < size;) {
    const ssize_t put = ::write(fd, data + done, size - done);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      const int err = errno;
      ::close(fd);
      throw DataError(path_, std::string("cannot hold the bytes in memory: ") + std::strerror(err));
    }
    done += static_cast<size_t>(put);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0 || (gz_ = gzdopen(fd, "rb")) == nullptr) {
    const int err = errno;
    ::close(fd);
    throw DataError(path_, std::string("cannot open: ") + std::strerror(err));
  }
  gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
}

InputFile::~InputFile() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

size_t InputFile::read(void* dst, size_t n) {
  auto* out = static_cast<unsigned char*>(dst);
  size_t total = 0;
  while (total < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - total, 1u << 30));
    const int got = gzread(static_cast<gzFile>(gz_), out + total, chunk);
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(static_cast<gzFile>(gz_), &code);
      throw DataError(path_, std::string("corrupt gzip data at byte ") +
                                 std::to_string(offset_ + total) + ": " + msg);
    }
    if (got == 0) break;
    total += static_cast<size_t>(got);
  }
  offset_ += total;
  // A gzip stream cut short reads as a clean end of file with an error set.
  if (total < n) {
    int code = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &code);
    if (code != Z_OK && code != Z_STREAM_END)
      throw DataError(path_, std::string("corrupt or truncated gzip data at byte ") +
                                 std::to_string(offset_) + ": " + msg);
  }
  return total;
}

void InputFile::read_exact(void* dst, size_t n, const std::string& what) {
  const uint64_t start = offset_;
  const size_t got = read(dst, n);
  if (got != n)
    throw DataError(path_, "truncated: " + what + " needs " + std::to_string(n) +
                               " bytes at byte " + std::to_string(start) + ", only " +
                               std::to_string(got) + " left");
}

void InputFile::append_exact(std::vector<uint8_t>& out, size_t n, const std::string& what) {
  const uint64_t start = offset_;
  constexpr size_t kChunk = 4u << 20;
  size_t done = 0;
  while (done < n) {
    const size_t want = std::min(kChunk, n - done);
    const size_t old = out.size();
    out.resize(old + want);
    const size_t got = read(out.data() + old, want);
    out.resize(old + got);
    done += got;
    if (got < want)
      throw DataError(path_, "truncated: " + what + " needs " + std::to_string(n) +
                                 " bytes from byte " + std::to_string(start) + ", only " +
                                 std::to_string(done) + " present");
  }
}

void InputFile::skip(size_t n, const std::string& what) {
  unsigned char buf[1 << 14];
  size_t left = n;
  while (left > 0) {
    const size_t want = std::min(left, sizeof buf);
    const size_t got = read(buf, want);
    if (got < want)
      throw DataError(path_, "truncated: " + what + " needs " + std::to_string(n) +
                                 " bytes, only " + std::to_string(n - left + got) + " present");
    left -= got;
  }
}

bool InputFile::at_end() {
  const int c = gzgetc(static_cast<gzFile>(gz_));
  if (c < 0) return true;
  gzungetc(c, static_cast<gzFile>(gz_));
  return false;
}

}  // namespace hsgd
