// record_reader.h: binary record files laid out like CIFAR's, of any image
// shape and class count (`--data cifar:...`, dataset_registry.h).
//
// A record is `label_bytes` label bytes, then C x H x W pixel bytes (one
// channel plane after another, each row-major); a file is records back to
// back, raw or gzip'ed. CIFAR-10: 1 label byte, 3x32x32. CIFAR-100: 2 label
// bytes (coarse, fine), 3x32x32. Every check names the file and, for a
// record, its index (from 0): empty file, a last record cut short, a label at
// or above the class count, more than kMaxRecordFileBytes.
#pragma once

#include <cstdint>
#include <string>

#include "hsgd/data/image_set.h"

namespace hsgd {

class InputFile;

// 16 GiB, as for an IDX file: a sane cap for one file (uncompressed).
constexpr uint64_t kMaxRecordFileBytes = uint64_t{16} << 30;

struct RecordLayout {
  ImageShape shape;
  int label_bytes = 1;  // in [1, 4]
  int label_byte = 0;   // which of them is the class, in [0, label_bytes)
  size_t record_bytes() const { return static_cast<size_t>(label_bytes) + shape.pixels(); }
};

// Reads every record of the file at `path`. Labels must be below `classes`
// (the declared count, or kMaxClasses when it is inferred). Throws DataError.
ImageSet read_record_file(const std::string& path, const RecordLayout& layout, int classes);
// The same over an open input (a file, or bytes in memory).
ImageSet read_records(InputFile& in, const RecordLayout& layout, int classes);

}  // namespace hsgd
