// csv_writer.cc: see csv_writer.h.
#include "hsgd/metrics/csv_writer.h"

#include <cmath>
#include <cstdio>

#include "hsgd/common/error.h"

namespace hsgd {

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& columns)
    : path_(path), columns_(columns.size()), out_(path) {
  if (!out_) throw Error(path + ": cannot create metrics file");
  row(columns);
}

void CsvWriter::row(const std::vector<std::string>& values) {
  HSGD_CHECK(values.size() == columns_, "CSV row has ", values.size(), " values, header has ", columns_);
  for (size_t i = 0; i < values.size(); ++i) out_ << (i ? "," : "") << field(values[i]);
  out_ << '\n';
  out_.flush();
  if (!out_) throw Error(path_ + ": write failed");
}

std::string CsvWriter::field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvWriter::num(double v, int precision) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

}  // namespace hsgd
