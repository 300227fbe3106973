// csv_reader.h: tabular data (`--data csv:TRAIN.csv,TEST.csv[,...]`):
// numeric feature columns and one integer label column per row, for
// non-image problems (an MLP: --model mlp).
//
// Spec: csv:TRAIN,TEST[,label=COLUMN][,header=auto|yes|no][,sep=comma|semicolon|tab][,scale=standard|none][,classes=N]
//   label    the label column: its header name, or its number counting from 1;
//            default: the column named "label" if the header has one, else the last
//   header   auto (default): line 1 is a header when one of its fields is not a number
//   sep      the field separator (default comma)
//   scale    standard (default): standardise each feature with the train set's
//            mean and standard deviation (standardise.h); none: keep the values
//   classes  the class count, in [2, 256]; default: the largest label + 1
// Files may be gzip'ed. Fields may be quoted ("..."), not across lines;
// blank lines are skipped; a UTF-8 byte-order mark and CR-LF line ends are
// accepted. The test file has the train file's columns (and header names).
//
// Every check names the file, line and column: an empty file, no data row,
// an inconsistent field count, an empty, non-numeric, NaN or infinite value,
// a label that is not a whole number, negative or too large, more than
// kMaxCsvBytes (uncompressed), kMaxCsvColumns or kMaxCsvRows, a missing test
// file, train and test columns that differ.
//
// A row becomes a 1 x 1 x F sample (F features) of float32 values: each
// field's nearest float32, standardised once when loaded (scale=standard,
// standardise.h: in double precision, rounded once) or kept as it is
// (scale=none). The data set's normalisation is the identity, so the model
// sees exactly the stored floats. Constant features are in the notes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hsgd/data/image_set.h"

namespace hsgd {

constexpr size_t kMaxCsvBytes = size_t{1} << 30;  // 1 GiB per file, uncompressed
constexpr size_t kMaxCsvColumns = 65536;          // features + the label
constexpr size_t kMaxCsvRows = 100'000'000;       // per file

enum class CsvHeader { kAuto, kYes, kNo };

struct CsvOptions {
  std::string label;  // a header name or a column number from 1; "" = "label" if there is one, else the last
  CsvHeader header = CsvHeader::kAuto;
  char separator = ',';
  bool standardise = true;  // scale=standard (true) or none
  int classes = 0;          // 0: the largest label + 1
};

struct CsvSpec {
  std::string train, test;
  CsvOptions options;
};

// Parses the spec `spec` ("csv:" + body); throws ConfigError. Reads no file.
CsvSpec parse_csv_spec(const std::string& spec, const std::string& body);

// Loads both files; the data set is named `name`. Throws DataError.
Dataset load_csv_dataset(const CsvSpec& spec, const std::string& name);

// The same over the files' text in memory; `train_where`, `test_where`
// name them in messages (tests, the fuzz target).
Dataset parse_csv_dataset(std::string_view train, std::string_view test, const CsvOptions& options,
                          const std::string& train_where, const std::string& test_where);

}  // namespace hsgd
