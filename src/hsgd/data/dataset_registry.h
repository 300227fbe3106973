// dataset_registry.h: turns a data set spec from the command line into a
// loaded Dataset.
//
// Spec syntax (also in `hsgd train --help`, README.md and docs/data.md):
//   mnist | fashion-mnist | cifar10            by name, under the data root (10 classes)
//   mnist:DIR | fashion-mnist:DIR              a folder with the four IDX files
//   cifar10:PATH                               cifar-10-batches-bin/ or the .tar.gz
//   idx:DIR[,classes=N]                        any IDX data set laid out like MNIST
//   idx:TRAIN_IMG,TRAIN_LBL,TEST_IMG,TEST_LBL[,classes=N]   any IDX image/label pairs
//   cifar:TRAIN[,TRAIN...],TEST,shape=CxHxW[,label-bytes=N][,label-byte=I][,classes=N]
//                                              CIFAR-style records (record_reader.h)
//   csv:TRAIN,TEST[,label=COL][,header=auto|yes|no][,sep=comma|semicolon|tab][,classes=N]
//                                              features + a label column (csv_reader.h)
//   synthetic[:key=value,...]                  generated from a seed (synthetic.h)
// Data files may be raw or gzip'ed (.gz); a folder may hold either. classes=N
// (in [2, 256]) declares the class count and every label is checked against
// it; without it idx:, cifar: and csv: take the largest label + 1
// (Dataset::classes_from says which). Options and files: spec_options.h.
#pragma once

#include <string>

#include "hsgd/data/image_set.h"

namespace hsgd {

// The data root: $HSGD_DATA_ROOT if set, else where scripts/setup.sh puts data.
std::string default_data_root();

// Checks a spec's syntax without reading any file (the data set kind, its
// file count, every option's value); throws ConfigError.
void check_dataset_spec(const std::string& spec);

// Loads the data set named by `spec`; throws DataError/ConfigError with the
// path and the problem when it cannot.
Dataset load_dataset(const std::string& spec, const std::string& data_root);

// The names load_dataset accepts before the colon, for help texts.
const char* dataset_spec_help();

}  // namespace hsgd
