// message.h: the wire format between the parameter server and its workers
// when they are separate processes (the MPI runtime), and its validation.
//
// A message is a fixed 48-byte header followed by `payload_floats` floats:
//   offset  0  magic          u32  0x44475348 ("HSGD")
//           4  protocol       u16  kProtocol
//           6  type           u16  MessageType
//           8  sender         i32  the sender's rank
//          12  payload_crc    u32  CRC-32 of the payload bytes
//          16  version        u64  parameter version (params: of these; push: computed on)
//          24  payload_floats u64
//          32  value          f64  push: the minibatch loss
//          40  value2         f64  reserved (0)
// A bye message carries 5 floats: the worker's seconds computing, waiting,
// communicating and sleeping its injected delays, and its peak RSS in MB.
// Little-endian, as every machine hsgd runs on. decode() checks everything a
// receiver relies on before it trusts the payload, and names the rank and
// the problem when something is off: it never reads past the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/common/error.h"

namespace hsgd {

class TransportError : public Error {
 public:
  using Error::Error;
};

enum class MessageType : uint16_t {
  kParams = 1,  // PS -> worker: parameters and their version
  kPush = 2,    // worker -> PS: a gradient and the version it was computed on
  kStop = 3,    // PS -> worker: the run is over
  kBye = 4,     // worker -> PS: the worker's timing, its last message
};

const char* to_string(MessageType t);

struct MessageHeader {
  static constexpr uint32_t kMagic = 0x44475348u;  // "HSGD" in memory order
  static constexpr uint16_t kProtocol = 1;
  static constexpr size_t kBytes = 48;

  MessageType type = MessageType::kParams;
  int32_t sender = 0;
  uint64_t version = 0;
  uint64_t payload_floats = 0;
  double value = 0;
  double value2 = 0;
};

// Header + payload, ready to send. Reuses `out`'s storage.
void encode_message(const MessageHeader& header, const float* payload, std::vector<char>& out);

constexpr size_t kByeFloats = 5;

struct DecodedMessage {
  MessageHeader header;
  const float* payload = nullptr;  // points into the buffer given to decode_message
};

// Validates and decodes `size` received bytes from rank `source`.
// `expected_floats` is the parameter count: params and push messages must
// carry exactly that many floats, stop none, bye kByeFloats.
DecodedMessage decode_message(const char* bytes, size_t size, int source, size_t expected_floats);

}  // namespace hsgd
