// text_file.h: reading a whole file that comes from outside (a suite file, a
// results folder's suite.toml or experiment.json, a run's metrics.csv) with
// checks first: it must be a regular file (a folder, a FIFO or /dev/zero is
// refused before it is opened, so nothing blocks or reads forever) and at most
// `max_bytes` long.
#pragma once

#include <cstddef>
#include <string>

namespace hsgd {

constexpr size_t kMiB = size_t{1} << 20;

// The file's bytes. Throws DataError naming the path and the problem:
// "missing file: cannot open <what>", not a regular file, larger than
// max_bytes, or a read error. `what` says what the file is for ("the suite
// file", "the run's metrics").
std::string read_bounded_text_file(const std::string& path, size_t max_bytes, const std::string& what);

}  // namespace hsgd
