// csv_reader.cc: see csv_reader.h. Each file is read once from its text,
// train then test; each file's text is dropped before the next one is read.
#include "hsgd/data/csv_reader.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>

#include "hsgd/common/error.h"
#include "hsgd/data/csv_table.h"
#include "hsgd/data/input_file.h"
#include "hsgd/data/spec_options.h"
#include "hsgd/data/standardise.h"

namespace hsgd {
namespace {

std::string feature_text(const CsvLayout& layout, size_t feature) {
  return layout.column_text(feature < layout.label ? feature : feature + 1);
}

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

bool scale_of(const std::string& spec, const std::string& name) {
  if (name == "standard") return true;
  if (name == "none") return false;
  throw ConfigError("--data " + spec + ": scale=" + name + " must be standard or none");
}

int label_bound(const CsvOptions& options) { return options.classes > 0 ? options.classes : kMaxClasses; }

// The rows of `text` as 1 x 1 x F samples of float32 values, as parsed.
ImageSet read_rows(std::string_view text, const std::string& where, const CsvLayout& layout,
                   const CsvOptions& options) {
  ImageSet set;
  set.shape = {1, 1, static_cast<int>(layout.features())};
  set.type = SampleType::kFloat32;
  const size_t rows = scan_csv_rows(text, where, layout, options.separator, label_bound(options),
                                    [&](const std::vector<float>& x, int label) {
                                      set.values.insert(set.values.end(), x.begin(), x.end());
                                      set.labels.push_back(static_cast<uint8_t>(label));
                                    });
  if (rows == 0) throw DataError(where, "no data rows" + std::string(layout.header ? " after the header" : ""));
  return set;
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

// scale=standard: each feature standardised with the train set's statistics;
// constant features are noted.
void standardise_features(Dataset& ds, const CsvLayout& layout, const std::string& train_where,
                          const std::string& test_where) {
  const FeatureStatistics stats = feature_statistics(ds.train, layout.features());
  std::string constant;
  size_t constants = 0;
  for (size_t j = 0; j < stats.groups(); ++j)
    if (stats.sd[j] == 0 && ++constants <= 5) constant += (constant.empty() ? "" : ", ") + feature_text(layout, j);
  if (constants > 0)
    ds.notes.push_back(std::to_string(constants) + " feature(s) are constant in the train set and carry no "
                       "information: " + constant + (constants > 5 ? ", ..." : ""));
  standardise(ds.train, stats, train_where);
  standardise(ds.test, stats, test_where);
}

// Standardisation, class count, normalisation and notes, once both sets are read.
void finish_dataset(Dataset& ds, const CsvOptions& options, const CsvLayout& layout, const std::string& train_where,
                    const std::string& test_where) {
  if (options.standardise) standardise_features(ds, layout, train_where, test_where);
  ds.notes.insert(ds.notes.begin(),
                  "label: " + layout.column_text(layout.label) + "; " + std::to_string(layout.features()) +
                      " feature(s), float32, " +
                      (options.standardise ? "standardised with the train set's mean and standard deviation"
                                           : "as in the file (scale=none)") +
                      (layout.header ? "; line 1 is a header" : "; no header line"));
  ds.normalization = identity_normalization(1);  // the model sees the stored floats
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
  const SpecItems items = split_spec_items(spec, body, {"label", "header", "sep", "scale", "classes"});
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
  out.options.standardise = scale_of(spec, items.value("scale", "standard"));
  out.options.classes = spec_classes(items);
  return out;
}

Dataset parse_csv_dataset(std::string_view train, std::string_view test, const CsvOptions& options,
                          const std::string& train_where, const std::string& test_where) {
  Dataset ds;
  ds.name = "csv:" + train_where + "," + test_where;
  const CsvLayout layout = csv_layout(train, train_where, options);
  ds.train = read_rows(train, train_where, layout, options);
  test_layout(test, test_where, options, layout, train_where);
  ds.test = read_rows(test, test_where, layout, options);
  finish_dataset(ds, options, layout, train_where, test_where);
  return ds;
}

Dataset load_csv_dataset(const CsvSpec& spec, const std::string& name) {
  InputFile train_file(spec.train), test_file(spec.test);  // both must be there before either is read
  check_csv_size(spec.train);
  check_csv_size(spec.test);
  Dataset ds;
  ds.name = name;
  CsvLayout layout;
  {
    const std::string text = read_csv_text(train_file);
    layout = csv_layout(text, spec.train, spec.options);
    ds.train = read_rows(text, spec.train, layout, spec.options);
  }
  const std::string text = read_csv_text(test_file);
  test_layout(text, spec.test, spec.options, layout, spec.train);
  ds.test = read_rows(text, spec.test, layout, spec.options);
  finish_dataset(ds, spec.options, layout, spec.train, spec.test);
  return ds;
}

}  // namespace hsgd
