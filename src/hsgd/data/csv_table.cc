// csv_table.cc: see csv_table.h. Fields are views into the text: a row
// costs no allocation once the field vector has grown to the column count.
#include "hsgd/data/csv_table.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "hsgd/common/error.h"
#include "hsgd/data/spec_options.h"

namespace hsgd {
namespace {

constexpr size_t kShownChars = 40;  // of a bad field, in a message

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// A field as a message shows it: quoted, at most kShownChars, control bytes escaped.
std::string shown(std::string_view field) {
  std::string s = "'";
  for (size_t i = 0; i < field.size() && i < kShownChars; ++i) {
    const unsigned char c = static_cast<unsigned char>(field[i]);
    if (c >= 0x20 && c < 0x7F) {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      s += buf;
    }
  }
  return s + (field.size() > kShownChars ? "...'" : "'");
}

// The non-blank lines of a text, with their numbers from 1 (blank ones count).
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // a UTF-8 byte-order mark
  }
  bool next(std::string_view& line) {
    while (pos_ < text_.size()) {
      const size_t end = text_.find('\n', pos_);
      std::string_view l = text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
      pos_ = end == std::string_view::npos ? text_.size() : end + 1;
      ++number_;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (is_blank(l)) continue;
      line = l;
      return true;
    }
    return false;
  }
  size_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t number_ = 0;
};

struct Where {
  const std::string& file;
  size_t line;
  std::string at() const { return "line " + std::to_string(line); }
  DataError error(const std::string& what) const { return DataError(file, at() + ": " + what); }
};

size_t skip_spaces(std::string_view line, size_t pos, char sep) {
  while (pos < line.size() && (line[pos] == ' ' || (line[pos] == '\t' && sep != '\t'))) ++pos;
  return pos;
}

// The quoted field starting at line[pos] == '"', without its quotes (a
// doubled quote inside stays doubled); pos moves past the closing quote.
std::string_view quoted_field(std::string_view line, size_t& pos, const Where& where, size_t column) {
  for (size_t i = pos + 1; i < line.size(); ++i) {
    if (line[i] != '"') continue;
    if (i + 1 < line.size() && line[i + 1] == '"') {
      ++i;
      continue;
    }
    const std::string_view field = line.substr(pos + 1, i - pos - 1);
    pos = i + 1;
    return field;
  }
  throw where.error("column " + std::to_string(column) +
                    ": a quote that does not close on this line (a quoted field cannot span lines)");
}

// Splits `line` into `fields` at `sep`; spaces around a field are dropped.
void split_fields(std::string_view line, char sep, std::vector<std::string_view>& fields, const Where& where) {
  fields.clear();
  size_t pos = 0;
  while (true) {
    if (fields.size() == kMaxCsvColumns)
      throw where.error("more than " + std::to_string(kMaxCsvColumns) + " columns");
    const size_t column = fields.size() + 1;
    pos = skip_spaces(line, pos, sep);
    size_t end;
    if (pos < line.size() && line[pos] == '"') {
      fields.push_back(quoted_field(line, pos, where, column));
      end = skip_spaces(line, pos, sep);
      if (end < line.size() && line[end] != sep)
        throw where.error("column " + std::to_string(column) + ": text after the closing quote");
    } else {
      end = std::min(line.find(sep, pos), line.size());
      size_t last = end;
      while (last > pos && (line[last - 1] == ' ' || (line[last - 1] == '\t' && sep != '\t'))) --last;
      fields.push_back(line.substr(pos, last - pos));
    }
    if (end >= line.size()) return;
    pos = end + 1;
  }
}

enum class Number { kOk, kEmpty, kNotANumber, kNotFinite };

Number parse_number(std::string_view s, double& v) {
  if (s.empty()) return Number::kEmpty;
  if (s[0] == '+' && s.size() > 1 && s[1] != '-') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size() || end == s.data()) return Number::kNotANumber;
  if (ec == std::errc::result_out_of_range) return Number::kNotFinite;  // beyond a double
  if (ec != std::errc()) return Number::kNotANumber;
  return std::isfinite(v) ? Number::kOk : Number::kNotFinite;
}

// A feature: the float32 nearest to the field's number, parsed once (not
// through a double, whose rounding could differ in the last bit).
Number parse_feature(std::string_view s, float& v) {
  if (s.empty()) return Number::kEmpty;
  if (s[0] == '+' && s.size() > 1 && s[1] != '-') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size() || end == s.data()) return Number::kNotANumber;
  if (ec == std::errc::result_out_of_range) {
    // Beyond a float32, or so close to 0 that it rounds to 0 (which it is).
    const double d = std::strtod(std::string(s).c_str(), nullptr);
    if (!(std::fabs(d) < 1.0)) return Number::kNotFinite;
    v = std::signbit(d) ? -0.0f : 0.0f;
    return Number::kOk;
  }
  if (ec != std::errc()) return Number::kNotANumber;
  return std::isfinite(v) ? Number::kOk : Number::kNotFinite;
}

// What is wrong with a field that did not parse as a number.
std::string number_problem(Number status, std::string_view field) {
  switch (status) {
    case Number::kEmpty: return "empty field (a missing value): fill or drop missing values first";
    case Number::kNotFinite:
      return shown(field) + " is not a finite number (NaN, infinite, or beyond +-3.4e38, a float32's range)";
    default: return shown(field) + " is not a number";
  }
}

int parse_label(std::string_view field, int bound, const Where& where, const std::string& column) {
  double v = 0;
  const Number status = parse_number(field, v);
  const std::string at = column + ": label ";
  if (status != Number::kOk) throw where.error(at + number_problem(status, field));
  if (v != std::floor(v)) throw where.error(at + shown(field) + " is not a whole number");
  if (v < 0) throw where.error(at + shown(field) + " is negative: labels are 0, 1, ..., classes - 1");
  if (v >= bound) {
    if (bound == kMaxClasses)
      throw where.error(at + shown(field) + " is above 255, the largest label hsgd takes (a label is one byte)");
    throw where.error(at + shown(field) + " is out of range [0, " + std::to_string(bound) + ") (classes=" +
                      std::to_string(bound) + ")");
  }
  return static_cast<int>(v);
}

std::string unescape(std::string_view field) {
  std::string s;
  for (size_t i = 0; i < field.size(); ++i) {
    s += field[i];
    if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The label column the options name, from 0.
size_t label_column(const CsvLayout& layout, const std::string& label, const std::string& where) {
  if (label.empty()) {
    for (size_t c = 0; c < layout.names.size(); ++c)
      if (layout.names[c] == "label") return c;
    return layout.columns - 1;
  }
  if (all_digits(label)) {
    const size_t n = std::stoul(label);
    if (n < 1 || n > layout.columns)
      throw DataError(where, "label=" + label + ": no such column; the file has columns 1 to " +
                                 std::to_string(layout.columns));
    return n - 1;
  }
  if (!layout.header)
    throw DataError(where, "label=" + label + " names a column, but the file has no header line (its first line "
                           "is all numbers); give the label column's number, counting from 1");
  size_t found = layout.columns;
  for (size_t c = 0; c < layout.names.size(); ++c) {
    if (layout.names[c] != label) continue;
    if (found != layout.columns) throw DataError(where, "label=" + label + ": two columns have that name");
    found = c;
  }
  if (found == layout.columns) {
    std::string names;
    for (size_t c = 0; c < layout.names.size() && c < 10; ++c) names += (c ? ", " : "") + shown(layout.names[c]);
    throw DataError(where, "label=" + label + ": no column has that name (columns: " + names +
                               (layout.columns > 10 ? ", ..." : "") + ")");
  }
  return found;
}

}  // namespace

std::string CsvLayout::column_text(size_t column) const {
  std::string s = "column " + std::to_string(column + 1);
  if (header) s += " (" + shown(names[column]) + ")";
  return s;
}

CsvLayout csv_layout(std::string_view text, const std::string& where, const CsvOptions& options) {
  Lines lines(text);
  std::string_view first;
  if (!lines.next(first)) throw DataError(where, "empty file: no header and no rows");
  std::vector<std::string_view> fields;
  split_fields(first, options.separator, fields, Where{where, lines.number()});
  CsvLayout layout;
  layout.columns = fields.size();
  if (layout.columns < 2)
    throw DataError(where, "line " + std::to_string(lines.number()) + " has 1 field: a data set needs at least one "
                           "feature column and a label column (is the separator right? sep=comma|semicolon|tab)");
  layout.header = options.header == CsvHeader::kYes;
  if (options.header == CsvHeader::kAuto) {
    double v;
    for (const auto& f : fields) layout.header = layout.header || parse_number(f, v) == Number::kNotANumber;
  }
  if (layout.header)
    for (const auto& f : fields) layout.names.push_back(unescape(f));
  layout.label = label_column(layout, options.label, where);
  return layout;
}

size_t scan_csv_rows(std::string_view text, const std::string& where, const CsvLayout& layout, char separator,
                     int label_bound, const CsvRowFn& row) {
  Lines lines(text);
  std::string_view line;
  if (layout.header && !lines.next(line)) return 0;
  std::vector<std::string_view> fields;
  std::vector<float> features(layout.features());
  size_t rows = 0;
  while (lines.next(line)) {
    const Where at{where, lines.number()};
    split_fields(line, separator, fields, at);
    if (fields.size() != layout.columns)
      throw at.error("has " + std::to_string(fields.size()) + " fields, but the file's first line has " +
                     std::to_string(layout.columns));
    if (++rows > kMaxCsvRows) throw at.error("more than " + std::to_string(kMaxCsvRows) + " rows");
    int label = 0;
    for (size_t c = 0, k = 0; c < layout.columns; ++c) {
      if (c == layout.label) {
        label = parse_label(fields[c], label_bound, at, layout.column_text(c));
        continue;
      }
      const Number status = parse_feature(fields[c], features[k++]);
      if (status != Number::kOk) throw at.error(layout.column_text(c) + ": " + number_problem(status, fields[c]));
    }
    row(features, label);
  }
  return rows;
}

}  // namespace hsgd
