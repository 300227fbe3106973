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
// With --servers S > 1, ranks 0..S-1 are server shards (params and push carry
// the receiving shard's slice) and rank 0 also coordinates: the shards'
// state, status and restore messages carry bytes (a serialised
// CheckpointFile) packed into floats, value2 holding the byte count, at most
// max_byte_payload_floats(slice) floats.
// Little-endian, as every machine hsgd runs on. decode_header() checks
// everything a receiver relies on before it receives or trusts a payload, and
// names the rank and the problem when something is off; the receiver then
// takes exactly the declared number of bytes (more is an error), so nothing
// is ever read or written past a buffer.
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
  kAlive = 5,   // PS -> a worker waiting for it, shard <-> rank 0: still here (--server-timeout)
  // --servers S > 1, between rank 0 and the other shards (runtime/shard_rank.h):
  kStateRequest = 6,  // rank 0 -> shard: send your state (value: a StateReason)
  kShardState = 7,    // shard -> rank 0: its ParameterServer state (bytes; value: the StateReason)
  kShardStatus = 8,   // shard -> rank 0, every 0.05 s: its counters (bytes), also its heartbeat
  kWorkerDead = 9,    // rank 0 -> shard: worker `version` was declared dead
  kShardRestore = 10, // rank 0 -> shard, at a resume: the state to start from (bytes)
};
constexpr uint16_t kLastMessageType = 10;

// Why rank 0 asks a shard for its state (kStateRequest, kShardState's value).
enum class StateReason { kSnapshot = 0, kCheckpoint = 1, kStop = 2, kFinal = 3 };

const char* to_string(MessageType t);

struct MessageHeader {
  static constexpr uint32_t kMagic = 0x44475348u;  // "HSGD" in memory order
  static constexpr uint16_t kProtocol = 4;  // 3: alive messages; 4: server shards
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
// params and push, kByeFloats for bye, none for stop, alive, state request and
// worker dead. Byte messages (state, status, restore) declare at most
// max_byte_payload_floats(num_params): decode_header checks that bound.
size_t expected_payload_floats(MessageType type, size_t num_params);
bool carries_bytes(MessageType type);
size_t max_byte_payload_floats(size_t num_params);

// Bytes (a serialised CheckpointFile) as a float payload and back; the
// header's value2 holds the byte count. bytes_of throws TransportError naming
// `source` when the count does not fit the payload.
std::vector<float> floats_of(const std::string& bytes);
std::string bytes_of(const MessageHeader& header, const std::vector<float>& payload, int source);

void encode_header(const MessageHeader& header, char out[MessageHeader::kBytes]);

// Validates `size` received header bytes from rank `source`; `num_params` is
// the model's parameter count.
MessageHeader decode_header(const char* bytes, size_t size, int source, size_t num_params);

}  // namespace hsgd
