// message.h: the wire format between the parameter server and its workers
// when they are separate processes (the MPI runtime), and its validation.
//
// A message is a fixed 48-byte header, then (for params, push and bye) its
// payload of `payload_floats` floats as a second transfer, sent straight from
// the sender's buffer and received straight into the receiver's (no copy).
//   offset  0  magic          u32  0x44475348 ("HSGD")
//           4  protocol       u16  kProtocol
//           6  type           u16  MessageType
//           8  sender         i32  the sender's rank
//          12  header_crc     u32  CRC-32 of the other 44 header bytes
//          16  version        u64  parameter version (params: of these; push: computed on)
//          24  payload_floats u64
//          32  value          f64  push: the minibatch loss; stop: 1 when a rank was lost
//                                    (leave with MPI_Abort, not MPI_Finalize), else 0
//          40  value2         f64  reserved (0)
// A bye message carries 5 floats: the worker's seconds computing, waiting,
// communicating and sleeping its injected delays, and its peak RSS in MB.
// Little-endian, as every machine hsgd runs on. decode_header() checks
// everything a receiver relies on before it receives or trusts a payload, and
// names the rank and the problem when something is off; the receiver then
// takes exactly the declared number of bytes (more is an error), so nothing
// is ever read or written past a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

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
  kAlive = 5,   // PS -> a worker waiting for it: still here, keep waiting (--server-timeout)
};
constexpr uint16_t kLastMessageType = 5;

const char* to_string(MessageType t);

struct MessageHeader {
  static constexpr uint32_t kMagic = 0x44475348u;  // "HSGD" in memory order
  static constexpr uint16_t kProtocol = 3;  // 3: alive messages
  static constexpr size_t kBytes = 48;

  MessageType type = MessageType::kParams;
  int32_t sender = 0;
  uint64_t version = 0;
  uint64_t payload_floats = 0;
  double value = 0;
  double value2 = 0;
};

constexpr size_t kByeFloats = 5;

// The payload size a message of `type` must declare: the parameter count for
// params and push, kByeFloats for bye, none for stop and alive.
size_t expected_payload_floats(MessageType type, size_t num_params);

void encode_header(const MessageHeader& header, char out[MessageHeader::kBytes]);

// Validates `size` received header bytes from rank `source`; `num_params` is
// the model's parameter count.
MessageHeader decode_header(const char* bytes, size_t size, int source, size_t num_params);

}  // namespace hsgd
