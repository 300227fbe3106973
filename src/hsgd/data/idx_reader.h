// idx_reader.h: reads IDX files (the MNIST format), raw or gzip'ed.
//
// An IDX file is a 4-byte magic (0, 0, element type, number of dimensions),
// the dimensions as big-endian uint32, then the elements. hsgd reads unsigned
// byte files (type 0x08) and, for images, big-endian float32 files (type
// 0x0D, kept as float32 and standardised per channel: standardise.h): images
// as (count, rows, cols) or (count, channels, rows, cols), labels (unsigned
// bytes) as (count). Every check names the file: wrong magic, unsupported
// type, wrong dimensions, truncated data, trailing bytes, count mismatch,
// label out of range, a float image value that is NaN or infinite.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

constexpr uint8_t kIdxUbyte = 0x08;
constexpr uint8_t kIdxFloat = 0x0D;

struct IdxArray {
  uint8_t type = kIdxUbyte;    // kIdxUbyte or kIdxFloat
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // product(dims) elements of 1 or 4 bytes, as in the file (floats big-endian)
};

// Reads a whole ubyte or float IDX file and checks its header against its contents.
IdxArray read_idx(const std::string& path);
// The same for the bytes of one (raw or gzip'ed) in memory; `where` names them.
IdxArray read_idx(const uint8_t* data, size_t size, const std::string& where);

// Reads an image file and a label file that belong together. `expected`
// (when channels > 0) is the image shape the caller requires.
ImageSet read_idx_images(const std::string& images_path, const std::string& labels_path,
                         int num_classes, const ImageShape& expected = {});
// Checks an image array and a label array that belong together (what
// read_idx_images does once both are read); the names are for messages.
ImageSet idx_images(IdxArray images, IdxArray labels, const std::string& images_name,
                    const std::string& labels_name, int num_classes, const ImageShape& expected = {});

// Writes a ubyte IDX file (used by tests and by users converting data).
void write_idx(const std::string& path, const std::vector<uint32_t>& dims,
               const std::vector<uint8_t>& data);
// Writes a float32 IDX file (type 0x0D, big-endian values).
void write_idx(const std::string& path, const std::vector<uint32_t>& dims, const std::vector<float>& data);

}  // namespace hsgd
