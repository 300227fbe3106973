// csv_table.h: the text level of the CSV reader (csv_reader.h): lines,
// fields, numbers, the header and the label column. Every problem is a
// DataError "FILE: line L, column C ('NAME'): what is wrong".
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hsgd/data/csv_reader.h"

namespace hsgd {

struct CsvLayout {
  bool header = false;             // line 1 (the first non-blank line) holds column names
  std::vector<std::string> names;  // the header's names; empty without a header
  size_t columns = 0;
  size_t label = 0;  // the label column, from 0
  // "column 3 ('petal_width')", or "column 3" without a header
  std::string column_text(size_t column) const;
  size_t features() const { return columns - 1; }
};

// The columns of `text` as the options ask: whether it has a header (kAuto:
// when a field of its first line is not a number), the column count, the
// label column. Throws DataError (empty file, fewer than 2 columns, no such
// label column).
CsvLayout csv_layout(std::string_view text, const std::string& where, const CsvOptions& options);

// Calls row(features, label) for each data row: the row's feature values in
// column order, without the label, each the float32 nearest to the field's
// decimal number (what numpy's float32 or strtof gives; a number that rounds
// to 0 is 0, one beyond +-3.4e38 an error). Labels must be below
// `label_bound`. Returns how many rows there were (0 is an error the caller
// reports).
using CsvRowFn = std::function<void(const std::vector<float>& features, int label)>;
size_t scan_csv_rows(std::string_view text, const std::string& where, const CsvLayout& layout, char separator,
                     int label_bound, const CsvRowFn& row);

}  // namespace hsgd
