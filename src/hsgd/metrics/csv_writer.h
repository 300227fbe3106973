// csv_writer.h: a CSV file written row by row and flushed after each row, so a
// run that is interrupted still leaves every row it reached. Fields are quoted
// as RFC 4180 says: one holding a comma, a double quote, CR or LF is written in
// double quotes with its quotes doubled; every other field is written as it is.
#pragma once

#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace hsgd {

class CsvWriter {
 public:
  CsvWriter(const std::string& path, const std::vector<std::string>& columns);

  // One row; the number of values must match the header.
  void row(const std::vector<std::string>& values);

  // The field as it is written: quoted only where RFC 4180 needs it.
  static std::string field(const std::string& value);

  static std::string num(double v, int precision = 6);  // shortest faithful text, "nan" for NaN
  static std::string num(long long v) { return std::to_string(v); }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  size_t columns_;
  std::ofstream out_;
};

}  // namespace hsgd
