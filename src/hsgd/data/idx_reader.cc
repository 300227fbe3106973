// idx_reader.cc: IDX parsing and validation.
#include "hsgd/data/idx_reader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"

namespace hsgd {
namespace {

constexpr uint64_t kMaxBytes = uint64_t{16} << 30;  // 16 GiB: a sane cap for one file

const char* type_name(uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "short";
    case 0x0C: return "int";
    case 0x0D: return "float";
    case 0x0E: return "double";
    default: return "unknown";
  }
}

std::string dims_string(const std::vector<uint32_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return "(" + s + ")";
}

std::string hex_byte(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFF);
  return buf;
}

std::string magic_string(const uint8_t m[4]) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02X%02X%02X%02X", m[0], m[1], m[2], m[3]);
  return buf;
}

IdxArray parse_idx(InputFile& in) {
  const std::string& path = in.path();
  uint8_t magic[4];
  in.read_exact(magic, 4, "the IDX magic number");
  if (magic[0] != 0 || magic[1] != 0)
    throw DataError(path, "wrong magic number " + magic_string(magic) +
                              ": not an IDX file (expected 0x0000TTNN)");
  if (magic[2] != kIdxUbyte && magic[2] != kIdxFloat)
    throw DataError(path, "unsupported IDX element type " + hex_byte(magic[2]) + " (" + type_name(magic[2]) +
                              "); hsgd reads unsigned byte (0x08) and float (0x0D) files");
  const uint64_t element_bytes = magic[2] == kIdxFloat ? 4 : 1;
  const int ndims = magic[3];
  if (ndims < 1 || ndims > 4)
    throw DataError(path, "wrong dimensions: the header declares " + std::to_string(ndims) +
                              " dimensions; IDX data sets have 1 to 4");
  IdxArray array;
  array.type = magic[2];
  uint64_t elements = 1;
  for (int d = 0; d < ndims; ++d) {
    uint8_t b[4];
    in.read_exact(b, 4, "dimension " + std::to_string(d) + " of the header");
    const uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    array.dims.push_back(v);
    elements *= v;
    if (elements * element_bytes > kMaxBytes)
      throw DataError(path, "wrong dimensions: the header declares more than 16 GiB of data");
  }
  in.append_exact(array.data, elements * element_bytes, "data of dimensions " + dims_string(array.dims));
  if (!in.at_end())
    throw DataError(path, "unexpected bytes after the " + std::to_string(elements * element_bytes) +
                              " data bytes its header " + dims_string(array.dims) + " declares");
  return array;
}

// The big-endian float32 elements of a float IDX file; each must be finite.
std::vector<float> float_values(const std::vector<uint8_t>& bytes, const std::string& path) {
  std::vector<float> values(bytes.size() / 4);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint8_t* b = bytes.data() + 4 * i;
    const uint32_t bits = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    std::memcpy(&values[i], &bits, 4);
    if (!std::isfinite(values[i]))
      throw DataError(path, "value " + std::to_string(i) + " is " + (std::isnan(values[i]) ? "NaN" : "infinite") +
                                ": float images must hold finite numbers");
  }
  return values;
}

void write_header(std::ofstream& out, uint8_t type, const std::vector<uint32_t>& dims) {
  const uint8_t magic[4] = {0, 0, type, static_cast<uint8_t>(dims.size())};
  out.write(reinterpret_cast<const char*>(magic), 4);
  for (uint32_t v : dims) {
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    out.write(reinterpret_cast<const char*>(b), 4);
  }
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  InputFile in(path);
  return parse_idx(in);
}

IdxArray read_idx(const uint8_t* data, size_t size, const std::string& where) {
  InputFile in(where, data, size);
  return parse_idx(in);
}

ImageSet read_idx_images(const std::string& images_path, const std::string& labels_path,
                         int num_classes, const ImageShape& expected) {
  return idx_images(read_idx(images_path), read_idx(labels_path), images_path, labels_path, num_classes,
                    expected);
}

ImageSet idx_images(IdxArray images, IdxArray labels, const std::string& images_path,
                    const std::string& labels_path, int num_classes, const ImageShape& expected) {
  const auto& d = images.dims;
  if (d.size() != 3 && d.size() != 4)
    throw DataError(images_path, "wrong dimensions " + dims_string(d) +
                                     ": an image file has 3 (count, rows, cols) or 4 "
                                     "(count, channels, rows, cols)");
  ImageShape shape;
  shape.channels = d.size() == 4 ? static_cast<int>(d[1]) : 1;
  shape.height = static_cast<int>(d[d.size() - 2]);
  shape.width = static_cast<int>(d[d.size() - 1]);
  if (shape.pixels() == 0)
    throw DataError(images_path, "wrong dimensions " + dims_string(d) + ": images have no pixels");
  if (expected.channels > 0 && !(shape == expected))
    throw DataError(images_path, "wrong dimensions " + dims_string(d) + ": images are " +
                                     shape.to_string() + ", expected " + expected.to_string());
  if (labels.dims.size() != 1)
    throw DataError(labels_path, "wrong dimensions " + dims_string(labels.dims) +
                                     ": a label file has 1 dimension (count)");
  if (labels.dims[0] != d[0])
    throw DataError(labels_path, "image/label count mismatch: " + std::to_string(labels.dims[0]) +
                                     " labels for " + std::to_string(d[0]) + " images in " +
                                     images_path);
  if (d[0] == 0) throw DataError(images_path, "the file holds no images");
  if (labels.type != kIdxUbyte)
    throw DataError(labels_path, std::string("a label file holds unsigned bytes (type 0x08), not ") +
                                     type_name(labels.type) + " values");
  for (size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] >= num_classes)
      throw DataError(labels_path, "label " + std::to_string(labels.data[i]) + " at index " +
                                       std::to_string(i) + " is out of range [0, " +
                                       std::to_string(num_classes) + ")");
  ImageSet set;
  set.shape = shape;
  if (images.type == kIdxFloat) {
    set.type = SampleType::kFloat32;
    set.values = float_values(images.data, images_path);
  } else {
    set.pixels = std::move(images.data);
  }
  set.labels = std::move(labels.data);
  return set;
}

void write_idx(const std::string& path, const std::vector<uint32_t>& dims,
               const std::vector<uint8_t>& data) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw DataError(path, "cannot create file");
  write_header(out, kIdxUbyte, dims);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw DataError(path, "write failed");
}

void write_idx(const std::string& path, const std::vector<uint32_t>& dims, const std::vector<float>& data) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw DataError(path, "cannot create file");
  write_header(out, kIdxFloat, dims);
  for (float v : data) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    const uint8_t b[4] = {uint8_t(bits >> 24), uint8_t(bits >> 16), uint8_t(bits >> 8), uint8_t(bits)};
    out.write(reinterpret_cast<const char*>(b), 4);
  }
  if (!out) throw DataError(path, "write failed");
}

}  // namespace hsgd
