// text_file.h: reads a text file given from outside, bounded: it must be a
// regular file (not a folder, FIFO or device: checked before opening, so a
// FIFO never blocks) of at most max_bytes.
#pragma once

#include <cstddef>
#include <string>

namespace hsgd {

// Throws DataError naming the path, `what` it should be, and the problem.
std::string read_bounded_text_file(const std::string& path, size_t max_bytes, const char* what);

}  // namespace hsgd
