// text_file.cc: see text_file.h. stat() decides before open(); the file is
// then opened without blocking, checked again through its descriptor (it may
// have been replaced meanwhile) and read up to max_bytes + 1, so a file that
// grows while it is read is refused too.
#include "hsgd/common/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hsgd/common/error.h"

namespace hsgd {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// Throws unless `st` is a regular file of at most max_bytes.
void check_stat(const std::string& path, const struct stat& st, size_t max_bytes, const std::string& what) {
  if (!S_ISREG(st.st_mode))
    throw DataError(path, std::string("not a regular file but ") + kind_of(st.st_mode) + ": cannot read " + what);
  if (static_cast<unsigned long long>(st.st_size) > max_bytes)
    throw DataError(path, "too large: " + std::to_string(st.st_size) + " bytes, more than the " +
                              std::to_string(max_bytes) + " allowed for " + what);
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

std::string read_bounded_text_file(const std::string& path, size_t max_bytes, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) throw DataError(path, "missing file: cannot open " + what);
    throw DataError(path, "cannot read " + what + ": " + errno_text(err));
  }
  check_stat(path, st, max_bytes, what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw DataError(path, "cannot open " + what + ": " + errno_text(errno));
  std::string text;
  try {
    if (::fstat(fd, &st) != 0) throw DataError(path, "cannot read " + what + ": " + errno_text(errno));
    check_stat(path, st, max_bytes, what);
    char buf[65536];
    for (;;) {
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw DataError(path, "cannot read " + what + ": " + errno_text(errno));
      if (got == 0) break;
      text.append(buf, static_cast<size_t>(got));
      if (text.size() > max_bytes)
        throw DataError(path, "too large: more than the " + std::to_string(max_bytes) + " bytes allowed for " + what);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return text;
}

}  // namespace hsgd
