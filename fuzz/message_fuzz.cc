// message_fuzz.cc: libFuzzer target for the MPI message header (48 bytes:
// magic, protocol, type, sender, CRC-32, version, payload size, values).
//
// The input is the received header bytes. decode_header, which the MPI
// runtime calls on every message, gets them twice: as they are, and with
// their CRC-32 recomputed (so that the checks behind the checksum are reached
// too; a random header almost never has a matching CRC). The receiver is rank
// 0 expecting a 1000-parameter model and the sender is rank 1. TransportError
// is the expected answer to a bad header.
#include <cstdint>
#include <cstring>
#include <vector>

#include <zlib.h>

#include "hsgd/transport/message.h"

namespace {

void decode(const char* bytes, size_t size) {
  try {
    hsgd::decode_header(bytes, size, 1, 1000);
  } catch (const hsgd::TransportError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<char> bytes(data, data + size);
  decode(bytes.data(), bytes.size());
  if (size == hsgd::MessageHeader::kBytes) {  // the CRC as encode_header computes it
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, data, 12);
    crc = crc32(crc, data + 16, hsgd::MessageHeader::kBytes - 16);
    const uint32_t c = static_cast<uint32_t>(crc);
    std::memcpy(bytes.data() + 12, &c, 4);
    decode(bytes.data(), bytes.size());
  }
  return 0;
}
