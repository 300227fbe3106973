// cifar_archive_fuzz.cc: libFuzzer target for CIFAR-10 archives: the tar
// reader (ustar/GNU headers, checksums, long names), gzip through zlib's
// gzread, and the CIFAR record parser of each batch file.
//
// The input is the bytes of a cifar-10-binary.tar.gz (or .tar) and goes to
// load_cifar10_archive, the bytes-in-memory twin of what
// `hsgd train --data cifar10:FILE.tar.gz` calls (same InputFile, same tar walk,
// same parse_cifar_records). A DataError is the expected answer to bad input.
#include <cstdint>

#include "hsgd/common/error.h"
#include "hsgd/data/cifar_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    hsgd::load_cifar10_archive(data, size, "fuzz.tar.gz");
  } catch (const hsgd::DataError&) {
  }
  return 0;
}
