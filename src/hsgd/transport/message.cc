// message.cc: encoding and validating hsgd's message headers.
#include "hsgd/transport/message.h"

#include <zlib.h>

#include <cmath>
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
    case MessageType::kStateRequest: return "state request";
    case MessageType::kShardState: return "shard state";
    case MessageType::kShardStatus: return "shard status";
    case MessageType::kWorkerDead: return "worker dead";
    case MessageType::kShardRestore: return "shard restore";
  }
  return "unknown";
}

size_t expected_payload_floats(MessageType type, size_t num_params) {
  switch (type) {
    case MessageType::kParams:
    case MessageType::kPush: return num_params;
    case MessageType::kBye: return kByeFloats;
    case MessageType::kStop:
    case MessageType::kAlive:
    case MessageType::kStateRequest:
    case MessageType::kWorkerDead: return 0;
    case MessageType::kShardState:
    case MessageType::kShardStatus:
    case MessageType::kShardRestore: return max_byte_payload_floats(num_params);
  }
  return 0;
}

bool carries_bytes(MessageType type) {
  return type == MessageType::kShardState || type == MessageType::kShardStatus || type == MessageType::kShardRestore;
}

// A shard's state: its slice, buffer and momentum (3 floats per parameter),
// and per-worker counters (a few u64 each) in the checkpoint's framing: 16 MiB
// of room beside the slices covers a million workers.
size_t max_byte_payload_floats(size_t num_params) { return 3 * num_params + (size_t{1} << 22); }

std::vector<float> floats_of(const std::string& bytes) {
  std::vector<float> out((bytes.size() + sizeof(float) - 1) / sizeof(float), 0.0f);
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

std::string bytes_of(const MessageHeader& h, const std::vector<float>& payload, int source) {
  const double count = h.value2;
  const double room = static_cast<double>(payload.size() * sizeof(float));
  if (!(count >= 0 && count <= room && count > room - sizeof(float)) || count != std::floor(count))
    fail(source, std::string(to_string(h.type)) + " message declares " + std::to_string(count) + " bytes in " +
                     std::to_string(payload.size()) + " floats");
  std::string bytes(static_cast<size_t>(count), '\0');
  if (!bytes.empty()) std::memcpy(&bytes[0], payload.data(), bytes.size());
  return bytes;
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
  if (carries_bytes(h.type) ? h.payload_floats > want : h.payload_floats != want)
    fail(source, std::string(to_string(h.type)) + " message declares " + std::to_string(h.payload_floats) +
                     (carries_bytes(h.type) ? " floats, at most " : " floats, expected ") + std::to_string(want));
  return h;
}

}  // namespace hsgd
