// text_file.cc: see text_file.h.
#include "hsgd/common/text_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hsgd/common/error.h"

namespace hsgd {

std::string read_bounded_text_file(const std::string& path, size_t max_bytes, const char* what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    throw DataError(path, std::string("cannot read the ") + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw DataError(path, std::string("the ") + what + " is not a regular file");
  if (static_cast<size_t>(st.st_size) > max_bytes)
    throw DataError(path, std::string("the ") + what + " is " + std::to_string(st.st_size) +
                              " bytes, more than the " + std::to_string(max_bytes) + " allowed");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, std::string("cannot open the ") + what);
  std::string text;
  text.resize(max_bytes + 1);  // the file may have grown since stat
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes)
    throw DataError(path, std::string("the ") + what + " is larger than the " + std::to_string(max_bytes) +
                              " bytes allowed");
  return text;
}

}  // namespace hsgd
