// csv_reader.cc: see csv_reader.h. The train file is read twice from its
// text (once for the features' mean and spread, once to store the rows), the
// test file once; each file's text is dropped before the next one is read.
#include "hsgd/data/csv_reader.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>

#include "hsgd/common/error.h"
#include "hsgd/data/csv_table.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/spec_options.h"

namespace hsgd {
namespace {

// Standardises feature values with the train set's statistics and stores
// them in one byte: 127 + round(z * 127 / kCsvClip), z clipped to +-kCsvClip.
class FeatureScaler {
 public:
  explicit FeatureScaler(size_t features) : count_(features, 0), mean_(features, 0.0), m2_(features, 0.0) {}

  void add(const std::vector<double>& x) {  // Welford's update
    for (size_t j = 0; j < x.size(); ++j) {
      const double delta = x[j] - mean_[j];
      mean_[j] += delta / static_cast<double>(++count_[j]);
      m2_[j] += delta * (x[j] - mean_[j]);
    }
  }

  // Fixes the scale; names a feature whose statistics overflow a double.
  void finish(const CsvLayout& layout, const std::string& where, std::vector<std::string>& notes) {
    inv_std_.resize(mean_.size());
    std::string constant;
    size_t constants = 0;
    for (size_t j = 0; j < mean_.size(); ++j) {
      const double sd = std::sqrt(m2_[j] / static_cast<double>(count_[j]));
      if (!std::isfinite(mean_[j]) || !std::isfinite(sd))
        throw DataError(where, feature_text(layout, j) + ": its values are too large to standardise (their mean or "
                                                         "spread overflows a double)");
      inv_std_[j] = sd > 0 ? 1.0 / sd : 1.0;
      if (sd == 0 && ++constants <= 5) constant += (constant.empty() ? "" : ", ") + feature_text(layout, j);
    }
    if (constants > 0)
      notes.push_back(std::to_string(constants) + " feature(s) are constant in the train set and carry no "
                      "information: " + constant + (constants > 5 ? ", ..." : ""));
  }

  uint8_t scale(size_t j, double x, size_t& clipped) const {
    double q = std::round((x - mean_[j]) * inv_std_[j] * (127.0 / kCsvClip)) + 127.0;
    if (!(q >= 0.0)) {  // also NaN, which finite statistics never give
      q = 0.0;
      ++clipped;
    } else if (q > 254.0) {
      q = 254.0;
      ++clipped;
    }
    return static_cast<uint8_t>(q);
  }

  static std::string feature_text(const CsvLayout& layout, size_t feature) {
    return layout.column_text(feature < layout.label ? feature : feature + 1);
  }

 private:
  std::vector<size_t> count_;
  std::vector<double> mean_, m2_, inv_std_;
};

char separator_of(const std::string& spec, const std::string& name) {
  if (name == "comma") return ',';
  if (name == "semicolon") return ';';
  if (name == "tab") return '\t';
  throw ConfigError("--data " + spec + ": sep=" + name + " must be comma, semicolon or tab");
}

CsvHeader header_of(const std::string& spec, const std::string& name) {
  if (name == "auto") return CsvHeader::kAuto;
  if (name == "yes") return CsvHeader::kYes;
  if (name == "no") return CsvHeader::kNo;
  throw ConfigError("--data " + spec + ": header=" + name + " must be auto, yes or no");
}

int label_bound(const CsvOptions& options) { return options.classes > 0 ? options.classes : kMaxClasses; }

// The rows of `text` as 1 x 1 x F images; counts clipped values.
ImageSet scaled_rows(std::string_view text, const std::string& where, const CsvLayout& layout,
                     const CsvOptions& options, const FeatureScaler& scaler, size_t& clipped) {
  ImageSet set;
  set.shape = {1, 1, static_cast<int>(layout.features())};
  const size_t rows = scan_csv_rows(text, where, layout, options.separator, label_bound(options),
                                    [&](const std::vector<double>& x, int label) {
                                      for (size_t j = 0; j < x.size(); ++j)
                                        set.pixels.push_back(scaler.scale(j, x[j], clipped));
                                      set.labels.push_back(static_cast<uint8_t>(label));
                                    });
  if (rows == 0) throw DataError(where, "no data rows" + std::string(layout.header ? " after the header" : ""));
  return set;
}

// The train set: its layout, its scale (first pass) and its rows (second).
ImageSet train_rows(std::string_view text, const std::string& where, const CsvOptions& options, CsvLayout& layout,
                    FeatureScaler& scaler, std::vector<std::string>& notes, size_t& clipped) {
  layout = csv_layout(text, where, options);
  scaler = FeatureScaler(layout.features());
  const size_t rows = scan_csv_rows(text, where, layout, options.separator, label_bound(options),
                                    [&](const std::vector<double>& x, int) { scaler.add(x); });
  if (rows == 0) throw DataError(where, "no data rows" + std::string(layout.header ? " after the header" : ""));
  scaler.finish(layout, where, notes);
  return scaled_rows(text, where, layout, options, scaler, clipped);
}

// The test file must have the train file's columns, header and label column.
CsvLayout test_layout(std::string_view text, const std::string& where, const CsvOptions& options,
                      const CsvLayout& train, const std::string& train_where) {
  CsvOptions forced = options;
  forced.header = train.header ? CsvHeader::kYes : CsvHeader::kNo;
  forced.label = std::to_string(train.label + 1);
  const CsvLayout test = csv_layout(text, where, forced);
  if (test.columns != train.columns)
    throw DataError(where, "has " + std::to_string(test.columns) + " columns, but the train file " + train_where +
                               " has " + std::to_string(train.columns) + " (" + std::to_string(train.features()) +
                               " features and the label): train and test need the same features");
  for (size_t c = 0; c < test.names.size(); ++c)
    if (test.names[c] != train.names[c])
      throw DataError(where, "header: " + test.column_text(c) + " is " + train.column_text(c) + " in the train file " +
                                 train_where + ": train and test need the same columns, in the same order");
  return test;
}

std::string clipped_note(const char* split, size_t clipped, const ImageSet& set) {
  const double values = static_cast<double>(set.pixels.size());
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "%zu of the %.0f %s values (%.3g%%) lie beyond %.0f standard deviations of their feature's train "
                "mean and were clipped",
                clipped, values, split, 100.0 * static_cast<double>(clipped) / values, kCsvClip);
  return buf;
}

// Class count, normalisation and notes, once both sets are read.
void finish_dataset(Dataset& ds, const CsvOptions& options, const CsvLayout& layout, size_t clipped_train,
                    size_t clipped_test) {
  ds.notes.insert(ds.notes.begin(),
                  "label: " + layout.column_text(layout.label) + "; " + std::to_string(layout.features()) +
                      " feature(s), standardised with the train set's mean and standard deviation" +
                      (layout.header ? "; line 1 is a header" : "; no header line"));
  if (clipped_train > 0) ds.notes.push_back(clipped_note("train", clipped_train, ds.train));
  if (clipped_test > 0) ds.notes.push_back(clipped_note("test", clipped_test, ds.test));
  // A byte b stands for z = (b - 127) * kCsvClip / 127; batch.cc computes (b/255 - mean) / std.
  ds.normalization = {{127.0f / 255.0f}, {static_cast<float>(127.0 / (kCsvClip * 255.0))}};
  set_class_count(ds, options.classes);
}

// A file larger than kMaxCsvBytes on disk is refused before it is read.
void check_csv_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && static_cast<unsigned long long>(st.st_size) > kMaxCsvBytes)
    throw DataError(path, std::to_string(st.st_size) + " bytes: more than " + std::to_string(kMaxCsvBytes >> 20) +
                              " MiB: too large for a CSV file");
}

// A file's whole (uncompressed) text, at most kMaxCsvBytes.
std::string read_csv_text(InputFile& in) {
  std::string text;
  char buf[1 << 16];
  for (size_t got; (got = in.read(buf, sizeof buf)) > 0;) {
    if (text.size() + got > kMaxCsvBytes)
      throw DataError(in.path(), "more than " + std::to_string(kMaxCsvBytes >> 20) +
                                     " MiB (uncompressed): too large for a CSV file");
    text.append(buf, got);
  }
  if (text.empty()) throw DataError(in.path(), "empty file: no header and no rows");
  return text;
}

}  // namespace

CsvSpec parse_csv_spec(const std::string& spec, const std::string& body) {
  const SpecItems items = split_spec_items(spec, body, {"label", "header", "sep", "classes"});
  if (items.files.size() != 2)
    throw ConfigError("--data " + spec + ": csv: takes two files, TRAIN.csv,TEST.csv, got " +
                      std::to_string(items.files.size()));
  CsvSpec out;
  out.train = items.files[0];
  out.test = items.files[1];
  out.options.label = items.value("label");
  if (items.has("label") && out.options.label.empty())
    throw ConfigError("--data " + spec + ": label= needs a column name or number");
  out.options.header = header_of(spec, items.value("header", "auto"));
  out.options.separator = separator_of(spec, items.value("sep", "comma"));
  out.options.classes = spec_classes(items);
  return out;
}

Dataset parse_csv_dataset(std::string_view train, std::string_view test, const CsvOptions& options,
                          const std::string& train_where, const std::string& test_where) {
  Dataset ds;
  ds.name = "csv:" + train_where + "," + test_where;
  CsvLayout layout;
  FeatureScaler scaler(0);
  size_t clipped_train = 0, clipped_test = 0;
  ds.train = train_rows(train, train_where, options, layout, scaler, ds.notes, clipped_train);
  test_layout(test, test_where, options, layout, train_where);
  ds.test = scaled_rows(test, test_where, layout, options, scaler, clipped_test);
  finish_dataset(ds, options, layout, clipped_train, clipped_test);
  return ds;
}

Dataset load_csv_dataset(const CsvSpec& spec, const std::string& name) {
  InputFile train_file(spec.train), test_file(spec.test);  // both must be there before either is read
  check_csv_size(spec.train);
  check_csv_size(spec.test);
  Dataset ds;
  ds.name = name;
  CsvLayout layout;
  FeatureScaler scaler(0);
  size_t clipped_train = 0, clipped_test = 0;
  {
    const std::string text = read_csv_text(train_file);
    ds.train = train_rows(text, spec.train, spec.options, layout, scaler, ds.notes, clipped_train);
  }
  const std::string text = read_csv_text(test_file);
  test_layout(text, spec.test, spec.options, layout, spec.train);
  ds.test = scaled_rows(text, spec.test, layout, spec.options, scaler, clipped_test);
  finish_dataset(ds, spec.options, layout, clipped_train, clipped_test);
  return ds;
}

}  // namespace hsgd
