// csv_reader_test.cc: the CSV reader (`--data csv:TRAIN,TEST`): columns,
// headers, the label column, float32 features that reach the model exactly
// (as in the file, or standardised as standardise.h documents, bit for bit),
// and scripted hostile files, each refused with a message naming the file,
// line and column.
#include "hsgd/data/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hsgd/common/error.h"
#include "hsgd/common/rng.h"
#include "hsgd/data/batch.h"
#include "hsgd/data/dataset_registry.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;
using testing::TempDir;

Dataset parse(const std::string& train, const std::string& test, const CsvOptions& options = {}) {
  return parse_csv_dataset(train, test, options, "train.csv", "test.csv");
}

// The standardised value the network sees for feature j of image i.
float seen(const Dataset& ds, const ImageSet& set, size_t i, size_t j) {
  Batch b;
  fill_batch(set, ds.normalization, &i, 1, b);
  return b.images[j];
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

TEST(CsvReader, HeaderLabelColumnAndStandardisedFeatures) {
  const Dataset ds = parse("a,label,b\n1,0,10\n3,1,30\n", "a,label,b\n2,1,20\n5,0,10\n");
  EXPECT_EQ(ds.train.shape, (ImageShape{1, 1, 2}));
  EXPECT_EQ(ds.train.type, SampleType::kFloat32);
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(ds.test.labels, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(ds.num_classes, 2);
  EXPECT_EQ(ds.classes_from, ClassSource::kInferred);
  // a: mean 2, sd 1; b: mean 20, sd 10. Exactly, now that nothing is quantised.
  EXPECT_EQ(seen(ds, ds.train, 0, 0), -1.0f);
  EXPECT_EQ(seen(ds, ds.train, 1, 1), 1.0f);
  EXPECT_EQ(seen(ds, ds.test, 0, 0), 0.0f);
  EXPECT_EQ(seen(ds, ds.test, 1, 0), 3.0f);
  EXPECT_EQ(seen(ds, ds.test, 1, 1), -1.0f);
  EXPECT_NE(ds.notes.at(0).find("label: column 2 ('label'); 2 feature(s), float32, standardised"), std::string::npos)
      << ds.notes[0];
}

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

// Every value the model sees for `set`, one batch of all its samples.
std::vector<float> batch_of(const Dataset& ds, const ImageSet& set) {
  std::vector<size_t> all(set.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Batch b;
  fill_batch(set, ds.normalization, all.data(), all.size(), b);
  return b.images;
}

// The fields of a header-less CSV text with the label last, as float32 by
// the C library's strtof (a reference independent of the reader), row by row.
std::vector<std::vector<float>> strtof_rows(const std::string& text) {
  std::vector<std::vector<float>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<float> row;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) row.push_back(std::strtof(f.c_str(), nullptr));
    row.pop_back();  // the label
    rows.push_back(row);
  }
  return rows;
}

// Decimal fields that are no float32: more digits than 9, halfway cases,
// subnormals, ones that round to 0, the extremes, -0, integers beyond 2^24.
const std::vector<std::string> kHardFields = {
    "0.1", "-0", "1e-45", "1e-50", "-7e-46", "3.4028235e38", "-3.40282346e38", "16777217", "0.333333333333333333333",
    "1.00000005960464477539062500001", "1.000000059604644775390625", "2.5e-39", "123456.789", "6.02214076e23",
    "+42", "1E-3", "-.5", "5."};

std::string hard_table(size_t rows, uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (size_t r = 0; r < rows; ++r) {
    text += kHardFields[r % kHardFields.size()] + ",";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g,", (rng.uniform01() - 0.5) * 1e6);  // more digits than a float holds
    text += buf;
    std::snprintf(buf, sizeof buf, "%.9g,", static_cast<float>(rng.uniform01() * 1e-3));  // float32's own digits
    text += buf + std::to_string(r % 2) + "\n";
  }
  return text;
}

TEST(CsvReader, FloatFeaturesRoundTripExactlyWithScaleNone) {
  const std::string train = hard_table(40, 1), test = hard_table(25, 2);
  CsvOptions none;
  none.standardise = false;
  const Dataset ds = parse(train, test, none);
  EXPECT_NE(ds.notes.at(0).find("as in the file (scale=none)"), std::string::npos) << ds.notes[0];
  for (const auto& [set, text] : {std::pair{&ds.train, train}, std::pair{&ds.test, test}}) {
    const std::vector<float> seen_values = batch_of(ds, *set);
    const std::vector<std::vector<float>> rows = strtof_rows(text);
    ASSERT_EQ(seen_values.size(), rows.size() * 3);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t j = 0; j < 3; ++j)
        EXPECT_EQ(bits(seen_values[r * 3 + j]), bits(rows[r][j])) << "row " << r << " feature " << j;
  }
}

TEST(CsvReader, StandardisedFeaturesEqualTheReferenceBitForBit) {
  const std::string train = hard_table(300, 3), test = hard_table(70, 4);
  const Dataset ds = parse(train, test);
  // The reference (docs/data.md, standardise.h): per feature, in double, in row order.
  const std::vector<std::vector<float>> x = strtof_rows(train);
  const size_t f = 3;
  std::vector<double> mean(f, 0.0), sd(f, 0.0);
  for (const auto& row : x)
    for (size_t j = 0; j < f; ++j) mean[j] += row[j];
  for (size_t j = 0; j < f; ++j) mean[j] /= static_cast<double>(x.size());
  for (const auto& row : x)
    for (size_t j = 0; j < f; ++j) sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
  for (size_t j = 0; j < f; ++j) sd[j] = std::sqrt(sd[j] / static_cast<double>(x.size()));
  for (const auto& [set, text] : {std::pair{&ds.train, train}, std::pair{&ds.test, test}}) {
    const std::vector<float> seen_values = batch_of(ds, *set);
    const std::vector<std::vector<float>> rows = strtof_rows(text);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t j = 0; j < f; ++j) {
        const float expected = static_cast<float>((static_cast<double>(rows[r][j]) - mean[j]) / sd[j]);
        EXPECT_EQ(bits(seen_values[r * f + j]), bits(expected)) << "row " << r << " feature " << j;
      }
  }
}

TEST(CsvReader, LabelColumnByDefaultNameOrNumber) {
  // No header: the last column.
  Dataset ds = parse("1,2,0\n3,4,2\n", "5,6,1\n");
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{0, 2}));
  EXPECT_EQ(ds.num_classes, 3);
  // By number, counting from 1, and by header name.
  ds = parse("1,2,0\n3,4,1\n", "5,6,1\n", {"1"});
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{1, 3}));
  ds = parse("y,x1,x2\n1,0,0\n0,1,1\n", "y,x1,x2\n1,1,0\n", {"y"});
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(ds.train.shape.width, 2);
}

TEST(CsvReader, DeclaredClassesAndClassesWithoutImages) {
  CsvOptions options;
  options.classes = 5;
  const Dataset ds = parse("x,label\n1,0\n2,1\n", "x,label\n3,1\n", options);
  EXPECT_EQ(ds.num_classes, 5);
  EXPECT_EQ(ds.classes_from, ClassSource::kDeclared);
  EXPECT_NE(describe_classes(ds).find("5 classes (declared)"), std::string::npos);
  bool noted = false;
  for (const auto& n : ds.notes) noted = noted || n.find("3 of the 5 classes have no training image: 2, 3, 4") == 0;
  EXPECT_TRUE(noted);
}

TEST(CsvReader, SeparatorsQuotesLineEndsAndBlankLines) {
  CsvOptions semicolon;
  semicolon.separator = ';';
  Dataset ds = parse("\xEF\xBB\xBF\"a;b\";label\r\n1.5;0\r\n\r\n  \n-2e0 ; 1\r\n", "\"a;b\";label\n+3;1\n", semicolon);
  EXPECT_EQ(ds.train.size(), 2u);
  EXPECT_EQ(ds.test.size(), 1u);
  CsvOptions tab;
  tab.separator = '\t';
  ds = parse("x\ty\tlabel\n1\t2\t0\n3\t4\t1\n", "x\ty\tlabel\n1\t2\t1\n", tab);
  EXPECT_EQ(ds.train.shape.width, 2);
  ds = parse("\"x\",\"la\"\"bel\"\n1,0\n2,1\n", "\"x\",\"la\"\"bel\"\n1,1\n", {"la\"bel"});
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{0, 1}));
}

TEST(CsvReader, HeaderAutoYesNo) {
  CsvOptions yes;
  yes.header = CsvHeader::kYes;
  EXPECT_EQ(parse("1,2,0\n3,4,1\n", "1,2,0\n5,6,1\n", yes).train.size(), 1u);  // line 1 taken as names
  CsvOptions no;
  no.header = CsvHeader::kNo;
  expect_error<DataError>([&] { parse("a,b,label\n1,2,0\n", "1,2,1\n", no); },
                          {"train.csv: line 1: column 1: 'a' is not a number"});
  // auto: the train file decides, and the test file must agree.
  expect_error<DataError>([] { parse("1,2,0\n3,4,1\n", "a,b,label\n1,2,1\n"); },
                          {"test.csv: line 1: column 1: 'a' is not a number"});
}

TEST(CsvReader, ConstantFeaturesAreNotedAndNothingIsClipped) {
  std::string train = "x,c,label\n";
  for (int i = 0; i < 99; ++i) train += std::to_string(i % 2) + ",7," + std::to_string(i % 2) + "\n";
  train += "1000,7,1\n";
  const Dataset ds = parse(train, "x,c,label\n-1000,7,0\n");
  std::string notes;
  for (const auto& n : ds.notes) notes += n + "\n";
  EXPECT_EQ(notes.find("clipped"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 feature(s) are constant in the train set and carry no information: column 2 ('c')"),
            std::string::npos)
      << notes;
  // x: mean 10.49, sd ~99.5; -1000 lies ~10.2 standard deviations below, kept as it is (no longer clipped at 4).
  EXPECT_LT(seen(ds, ds.test, 0, 0), -10.0f);
  EXPECT_EQ(seen(ds, ds.test, 0, 1), 0.0f);  // a constant feature: x - mean, 0
}

TEST(CsvReader, AStandardisedValueBeyondAFloatIsRefused) {
  // Train spread 7e-46 (two subnormals); a test value of 3e38 would lie 4e83 deviations away.
  expect_error<DataError>([] { parse("x,label\n0,0\n1.4e-45,1\n", "x,label\n3e38,1\n"); },
                          {"test.csv: sample 0, value 0", "beyond a float32"});
}

// A hostile train or test file: refused with a message naming it.
void expect_hostile(const std::string& train, const std::string& test, const std::string& message,
                    const CsvOptions& options = CsvOptions()) {
  expect_error<DataError>([&] { parse(train, test, options); }, {message});
}

CsvOptions label_at(const std::string& label) {
  CsvOptions options;
  options.label = label;
  return options;
}

TEST(CsvReader, HostileFilesAreNamedWithLineAndColumn) {
  const std::string ok = "a,b,label\n1,2,0\n3,4,1\n";
  CsvOptions three;
  three.classes = 3;
  expect_hostile("", ok, "train.csv: empty file: no header and no rows");
  expect_hostile("\n \n\t\n", ok, "train.csv: empty file");
  expect_hostile("a,b,label\n", ok, "train.csv: no data rows after the header");
  expect_hostile(ok, "a,b,label\n\n", "test.csv: no data rows after the header");
  expect_hostile("a,b,label\n1,2,0\n1,2\n", ok, "train.csv: line 3: has 2 fields, but the file's first line has 3");
  expect_hostile("a,b,label\n1,2,0,4\n", ok, "train.csv: line 2: has 4 fields");
  expect_hostile("a,b,label\n1,x,0\n", ok, "train.csv: line 2: column 2 ('b'): 'x' is not a number");
  expect_hostile("a,b,label\n1,,0\n", ok, "line 2: column 2 ('b'): empty field (a missing value)");
  expect_hostile("a,b,label\n1,2,0\n3,nan,1\n", ok, "line 3: column 2 ('b'): 'nan' is not a finite number");
  expect_hostile("a,b,label\n1,-inf,0\n", ok, "'-inf' is not a finite number");
  expect_hostile("a,b,label\n1,1e400,0\n", ok, "'1e400' is not a finite number");
  expect_hostile("a,b,label\n1,3.5e38,0\n", ok, "line 2: column 2 ('b'): '3.5e38' is not a finite number (NaN, "
                 "infinite, or beyond +-3.4e38, a float32's range)");
  expect_hostile("a,b,label\n1,0x10,0\n", ok, "'0x10' is not a number");
  expect_hostile("a,b,label\n1,2 3,0\n", ok, "'2 3' is not a number");
  expect_hostile("a,b,label\n1,\x01\x1b[2J,0\n", ok, "'\\x01\\x1B[2J' is not a number");
  expect_hostile("a,b,label\n1,2,-1\n", ok, "line 2: column 3 ('label'): label '-1' is negative");
  expect_hostile("a,b,label\n1,2,1.5\n", ok, "label '1.5' is not a whole number");
  expect_hostile("a,b,label\n1,2,256\n", ok, "label '256' is above 255, the largest label hsgd takes");
  expect_hostile("a,b,label\n1,2,1e300\n", ok, "label '1e300' is above 255");
  expect_hostile("a,b,label\n1,2,\n", ok, "label empty field");
  expect_hostile(ok, "a,b,label\n1,2,3\n",
                 "test.csv: line 2: column 3 ('label'): label '3' is out of range [0, 3) (classes=3)", three);
  expect_hostile("a,b,label\n1,2,0\n3,4,0\n", "a,b,label\n1,2,0\n",
                 "every label is 0: a data set needs at least 2 classes");
  expect_hostile(ok, "a,b,c,label\n1,2,3,0\n",
                 "test.csv: has 4 columns, but the train file train.csv has 3 (2 features and the label)");
  expect_hostile(ok, "a,c,label\n1,2,0\n",
                 "test.csv: header: column 2 ('c') is column 2 ('b') in the train file train.csv");
  expect_hostile("a,\"b,label\n1,2,0\n", ok,
                 "train.csv: line 1: column 2: a quote that does not close on this line");
  expect_hostile("a,\"b\"x,label\n1,2,0\n", ok, "line 1: column 2: text after the closing quote");
  expect_hostile("label\n1\n", ok, "train.csv: line 1 has 1 field: a data set needs at least one feature column");
  expect_hostile(ok, ok, "label=species: no column has that name (columns: 'a', 'b', 'label')", label_at("species"));
  expect_hostile("1,2,0\n3,4,1\n", ok, "label=species names a column, but the file has no header line",
                 label_at("species"));
  expect_hostile(ok, ok, "label=4: no such column; the file has columns 1 to 3", label_at("4"));
  expect_hostile(ok, ok, "label=0: no such column", label_at("0"));
  // Values beyond a float32 are refused where they stand (no longer as "too large to standardise").
  expect_hostile("a,b,label\n1e300,1,0\n-1e300,2,1\n", ok, "line 2: column 1 ('a'): '1e300' is not a finite number");
}

TEST(CsvReader, ColumnCapIsCheckedWhileSplitting) {
  std::string wide;
  for (size_t i = 0; i <= kMaxCsvColumns; ++i) wide += "1,";
  wide += "0\n";
  expect_error<DataError>([&] { parse(wide, wide); }, {"train.csv: line 1: more than 65536 columns"});
}

TEST(CsvReader, FilesRawOrGzipThroughTheRegistry) {
  TempDir dir;
  write_text(dir.file("train.csv"), "x1,x2,species\n0.1,1,0\n0.2,2,1\n0.3,3,2\n");
  testing::write_gzip(dir.file("test.csv.gz"), {'x', '1', ',', 'x', '2', ',', 's', 'p', 'e', 'c', 'i', 'e', 's',
                                                '\n', '1', ',', '2', ',', '1', '\n'});
  const std::string spec = "csv:" + dir.file("train.csv") + "," + dir.file("test.csv.gz") + ",label=species,classes=4";
  const Dataset ds = load_dataset(spec, "");
  EXPECT_EQ(ds.name, spec);
  EXPECT_EQ(ds.train.size(), 3u);
  EXPECT_EQ(ds.test.size(), 1u);
  EXPECT_EQ(ds.num_classes, 4);
}

TEST(CsvReader, MissingTestFileIsNamedBeforeTheTrainFileIsRead) {
  TempDir dir;
  write_text(dir.file("train.csv"), "not,a,valid\nfile\n");
  expect_error<DataError>([&] { load_dataset("csv:" + dir.file("train.csv") + "," + dir.file("test.csv"), ""); },
                          {dir.file("test.csv") + ": cannot open"});
  std::filesystem::create_directories(dir.file("folder.csv"));
  expect_error<DataError>([&] { load_dataset("csv:" + dir.file("folder.csv") + "," + dir.file("train.csv"), ""); },
                          {dir.file("folder.csv") + ": cannot open: not a regular file"});
}

TEST(CsvReader, OversizedFileIsRefusedBeforeItIsRead) {
  TempDir dir;
  write_text(dir.file("test.csv"), "x,label\n1,0\n");
  // A sparse file: no disk space, and refused by its size alone.
  const int fd = ::open(dir.file("big.csv").c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kMaxCsvBytes) + 1), 0);
  ::close(fd);
  expect_error<DataError>([&] { load_dataset("csv:" + dir.file("big.csv") + "," + dir.file("test.csv"), ""); },
                          {dir.file("big.csv") + ": 1073741825 bytes: more than 1024 MiB"});
}

TEST(CsvReader, SpecOptionsAreCheckedWithoutReadingAFile) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"csv:a.csv", "csv: takes two files, TRAIN.csv,TEST.csv, got 1"},
      {"csv:a,b,c", "got 3"},
      {"csv:a,b,sep=pipe", "sep=pipe must be comma, semicolon or tab"},
      {"csv:a,b,header=maybe", "header=maybe must be auto, yes or no"},
      {"csv:a,b,label=", "label= needs a column name or number"},
      {"csv:a,b,classes=1", "classes=1 must be a whole number in [2, 256]"},
      {"csv:a,b,classes=257", "classes=257 must be a whole number in [2, 256]"},
      {"csv:a,b,classes=3,classes=4", "classes is given twice"},
      {"csv:a,b,scale=minmax", "scale=minmax must be standard or none"},
      {"csv:a,b,colour=red", "unknown option 'colour' (options: label, header, sep, scale, classes"},
      {"csv:a,,b", "empty item"},
  };
  for (const auto& [spec, message] : cases) expect_error<ConfigError>([&] { check_dataset_spec(spec); }, {message});
}

}  // namespace
}  // namespace hsgd
