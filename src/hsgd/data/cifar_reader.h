// cifar_reader.h: reads CIFAR-10 in the official binary layout.
//
// Each record is 1 label byte (0-9) then 3072 pixel bytes (1024 R, 1024 G,
// 1024 B, each 32x32 row-major), so a batch file's size is a multiple of 3073.
// The source may be the folder cifar-10-batches-bin/ (or a folder holding it),
// or the official cifar-10-binary.tar.gz read as it is, without unpacking.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/data/image_set.h"

namespace hsgd {

constexpr size_t kCifarRecordBytes = 3073;

// Parses the records of one batch file; `where` names it in error messages.
ImageSet parse_cifar_records(const std::vector<uint8_t>& bytes, const std::string& where);

// Loads data_batch_1..5.bin (train) and test_batch.bin (test) from a folder
// or a .tar.gz/.tgz/.tar archive. Normalisation uses the CIFAR-10 statistics.
Dataset load_cifar10(const std::string& path);
// The same for the bytes of a .tar.gz/.tgz/.tar archive in memory; `where` names them.
Dataset load_cifar10_archive(const uint8_t* data, size_t size, const std::string& where);

}  // namespace hsgd
