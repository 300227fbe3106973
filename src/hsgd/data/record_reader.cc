// record_reader.cc: see record_reader.h. Records are read in blocks of
// whole records (about 1 MiB), so memory grows only with the records really
// present, whatever the file claims to be.
#include "hsgd/data/record_reader.h"

#include <algorithm>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/data/input_file.h"

namespace hsgd {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

std::string layout_text(const RecordLayout& layout) {
  return std::to_string(layout.record_bytes()) + " bytes per record: " + std::to_string(layout.label_bytes) +
         " label byte(s) + " + layout.shape.to_string() + " = " + std::to_string(layout.shape.pixels()) +
         " pixel bytes";
}

// Appends the `count` whole records at `block` to `set`, checking labels.
void take_records(const uint8_t* block, size_t count, const RecordLayout& layout, int classes, const std::string& path,
                  ImageSet& set) {
  const size_t record = layout.record_bytes(), pixels = layout.shape.pixels();
  for (size_t k = 0; k < count; ++k) {
    const uint8_t* rec = block + k * record;
    const int label = rec[layout.label_byte];
    if (label >= classes)
      throw DataError(path, "label " + std::to_string(label) + " of record " + std::to_string(set.size()) +
                                " (label byte " + std::to_string(layout.label_byte) + ") is out of range [0, " +
                                std::to_string(classes) + ")");
    set.labels.push_back(static_cast<uint8_t>(label));
    set.pixels.insert(set.pixels.end(), rec + layout.label_bytes, rec + layout.label_bytes + pixels);
  }
}

}  // namespace

ImageSet read_records(InputFile& in, const RecordLayout& layout, int classes) {
  const std::string& path = in.path();
  HSGD_CHECK(layout.label_bytes >= 1 && layout.label_byte >= 0 && layout.label_byte < layout.label_bytes &&
                 layout.shape.pixels() > 0,
             "record layout");
  const size_t record = layout.record_bytes();
  std::vector<uint8_t> block(record * std::max<size_t>(1, kBlockBytes / record));
  ImageSet set;
  set.shape = layout.shape;
  uint64_t total = 0;
  while (true) {
    const size_t got = in.read(block.data(), block.size());
    total += got;
    if (total > kMaxRecordFileBytes)
      throw DataError(path, "more than " + std::to_string(kMaxRecordFileBytes >> 30) +
                                " GiB of records: too large for one file");
    take_records(block.data(), got / record, layout, classes, path, set);
    if (got % record != 0)
      throw DataError(path, "truncated: record " + std::to_string(set.size()) + " has only " +
                                std::to_string(got % record) + " of its " + layout_text(layout) +
                                " (the file's size is not a multiple of the record size)");
    if (got < block.size()) break;
  }
  if (set.size() == 0) throw DataError(path, "empty file: no records (" + layout_text(layout) + ")");
  return set;
}

ImageSet read_record_file(const std::string& path, const RecordLayout& layout, int classes) {
  InputFile in(path);
  return read_records(in, layout, classes);
}

}  // namespace hsgd
