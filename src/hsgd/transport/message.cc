// message.cc: encoding and validating hsgd's wire messages.
#include "hsgd/transport/message.h"

#include <zlib.h>

#include <algorithm>
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

uint32_t crc_of(const char* bytes, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes), chunk);
    bytes += chunk;
    size -= chunk;
  }
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
  }
  return "unknown";
}

void encode_message(const MessageHeader& h, const float* payload, std::vector<char>& out) {
  const size_t payload_bytes = h.payload_floats * sizeof(float);
  out.resize(MessageHeader::kBytes + payload_bytes);
  char* p = out.data();
  if (payload_bytes > 0) std::memcpy(p + MessageHeader::kBytes, payload, payload_bytes);
  put<uint32_t>(p + 0, MessageHeader::kMagic);
  put<uint16_t>(p + 4, MessageHeader::kProtocol);
  put<uint16_t>(p + 6, static_cast<uint16_t>(h.type));
  put<int32_t>(p + 8, h.sender);
  put<uint32_t>(p + 12, crc_of(p + MessageHeader::kBytes, payload_bytes));
  put<uint64_t>(p + 16, h.version);
  put<uint64_t>(p + 24, h.payload_floats);
  put<double>(p + 32, h.value);
  put<double>(p + 40, h.value2);
}

DecodedMessage decode_message(const char* bytes, size_t size, int source, size_t expected_floats) {
  if (size < MessageHeader::kBytes)
    fail(source, std::to_string(size) + " bytes, shorter than the " + std::to_string(MessageHeader::kBytes) +
                     "-byte header");
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
  DecodedMessage m;
  const uint16_t type = get<uint16_t>(bytes + 6);
  if (type < 1 || type > 4) fail(source, "unknown message type " + std::to_string(type));
  m.header.type = static_cast<MessageType>(type);
  m.header.sender = get<int32_t>(bytes + 8);
  if (m.header.sender != source)
    fail(source, "header says it comes from rank " + std::to_string(m.header.sender));
  const uint32_t crc = get<uint32_t>(bytes + 12);
  m.header.version = get<uint64_t>(bytes + 16);
  m.header.payload_floats = get<uint64_t>(bytes + 24);
  m.header.value = get<double>(bytes + 32);
  m.header.value2 = get<double>(bytes + 40);

  const size_t payload_bytes = size - MessageHeader::kBytes;
  if (m.header.payload_floats > payload_bytes / sizeof(float) ||
      m.header.payload_floats * sizeof(float) != payload_bytes)
    fail(source, std::string(to_string(m.header.type)) + " header declares " +
                     std::to_string(m.header.payload_floats) + " floats but " + std::to_string(payload_bytes) +
                     " payload bytes arrived");
  const bool carries_vector = m.header.type == MessageType::kParams || m.header.type == MessageType::kPush;
  const size_t want = carries_vector ? expected_floats : m.header.type == MessageType::kBye ? kByeFloats : 0;
  if (m.header.payload_floats != want)
    fail(source, std::string(to_string(m.header.type)) + " message carries " +
                     std::to_string(m.header.payload_floats) + " floats, expected " + std::to_string(want));
  if (crc_of(bytes + MessageHeader::kBytes, payload_bytes) != crc)
    fail(source, "payload checksum mismatch (corrupted in transit)");
  m.payload = payload_bytes > 0 ? reinterpret_cast<const float*>(bytes + MessageHeader::kBytes) : nullptr;
  return m;
}

}  // namespace hsgd
