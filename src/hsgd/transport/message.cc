// message.cc: encoding and validating hsgd's message headers.
#include "hsgd/transport/message.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace hsgd {
namespace {

template <typename T>
void put(char* at, T v) {
  std::memcpy(at, &v, sizeof v);
}

template <typename T>
T get(const char* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

// CRC-32 of the header without its own checksum field (bytes 12..15).
uint32_t header_crc(const char* h) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(h), 12);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(h + 16), MessageHeader::kBytes - 16);
  return static_cast<uint32_t>(crc);
}

[[noreturn]] void fail(int source, const std::string& what) {
  throw TransportError("malformed message from rank " + std::to_string(source) + ": " + what);
}

}  // namespace

const char* to_string(MessageType t) {
  switch (t) {
    case MessageType::kParams: return "params";
    case MessageType::kPush: return "push";
    case MessageType::kStop: return "stop";
    case MessageType::kBye: return "bye";
    case MessageType::kAlive: return "alive";
  }
  return "unknown";
}

size_t expected_payload_floats(MessageType type, size_t num_params) {
  switch (type) {
    case MessageType::kParams:
    case MessageType::kPush: return num_params;
    case MessageType::kBye: return kByeFloats;
    case MessageType::kStop:
    case MessageType::kAlive: return 0;
  }
  return 0;
}

void encode_header(const MessageHeader& h, char out[MessageHeader::kBytes]) {
  put<uint32_t>(out + 0, MessageHeader::kMagic);
  put<uint16_t>(out + 4, MessageHeader::kProtocol);
  put<uint16_t>(out + 6, static_cast<uint16_t>(h.type));
  put<int32_t>(out + 8, h.sender);
  put<uint64_t>(out + 16, h.version);
  put<uint64_t>(out + 24, h.payload_floats);
  put<double>(out + 32, h.value);
  put<double>(out + 40, h.value2);
  put<uint32_t>(out + 12, header_crc(out));
}

MessageHeader decode_header(const char* bytes, size_t size, int source, size_t num_params) {
  if (size != MessageHeader::kBytes)
    fail(source, "a header of " + std::to_string(size) + " bytes, expected " + std::to_string(MessageHeader::kBytes));
  const uint32_t magic = get<uint32_t>(bytes);
  if (magic != MessageHeader::kMagic) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", magic);
    fail(source, std::string("bad magic ") + buf + " (not an hsgd message)");
  }
  const uint16_t protocol = get<uint16_t>(bytes + 4);
  if (protocol != MessageHeader::kProtocol)
    fail(source, "protocol " + std::to_string(protocol) + ", this hsgd speaks " +
                     std::to_string(MessageHeader::kProtocol));
  if (get<uint32_t>(bytes + 12) != header_crc(bytes)) fail(source, "header checksum mismatch (corrupted header)");
  MessageHeader h;
  const uint16_t type = get<uint16_t>(bytes + 6);
  if (type < 1 || type > kLastMessageType) fail(source, "unknown message type " + std::to_string(type));
  h.type = static_cast<MessageType>(type);
  h.sender = get<int32_t>(bytes + 8);
  if (h.sender != source) fail(source, "header says it comes from rank " + std::to_string(h.sender));
  h.version = get<uint64_t>(bytes + 16);
  h.payload_floats = get<uint64_t>(bytes + 24);
  h.value = get<double>(bytes + 32);
  h.value2 = get<double>(bytes + 40);
  const size_t want = expected_payload_floats(h.type, num_params);
  if (h.payload_floats != want)
    fail(source, std::string(to_string(h.type)) + " message declares " + std::to_string(h.payload_floats) +
                     " floats, expected " + std::to_string(want));
  return h;
}

}  // namespace hsgd
