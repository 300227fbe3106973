// message_test.cc: message headers round-trip, and every broken header is
// rejected with the sender's rank and the problem before any payload is
// received or trusted.
#include "hsgd/transport/message.h"

#include <cstring>

#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;

struct Bytes {
  char b[MessageHeader::kBytes];
};

Bytes push_header(int sender, size_t n) {
  MessageHeader h;
  h.type = MessageType::kPush;
  h.sender = sender;
  h.version = 42;
  h.payload_floats = n;
  h.value = 1.25;
  Bytes out;
  encode_header(h, out.b);
  return out;
}

TEST(Message, RoundTrip) {
  const Bytes bytes = push_header(3, 100);
  const MessageHeader h = decode_header(bytes.b, sizeof bytes.b, 3, 100);
  EXPECT_EQ(h.type, MessageType::kPush);
  EXPECT_EQ(h.version, 42u);
  EXPECT_EQ(h.payload_floats, 100u);
  EXPECT_EQ(h.value, 1.25);
}

TEST(Message, PayloadSizesByType) {
  EXPECT_EQ(expected_payload_floats(MessageType::kParams, 7), 7u);
  EXPECT_EQ(expected_payload_floats(MessageType::kPush, 7), 7u);
  EXPECT_EQ(expected_payload_floats(MessageType::kStop, 7), 0u);
  EXPECT_EQ(expected_payload_floats(MessageType::kBye, 7), kByeFloats);
  EXPECT_EQ(expected_payload_floats(MessageType::kAlive, 7), 0u);
}

TEST(Message, AliveRoundTripsAndCarriesNoPayload) {
  MessageHeader h;
  h.type = MessageType::kAlive;
  h.sender = 0;
  char bytes[MessageHeader::kBytes];
  encode_header(h, bytes);
  EXPECT_EQ(decode_header(bytes, sizeof bytes, 0, 10).type, MessageType::kAlive);
  EXPECT_STREQ(to_string(MessageType::kAlive), "alive");
  h.payload_floats = 10;
  encode_header(h, bytes);
  expect_error<TransportError>([&] { decode_header(bytes, sizeof bytes, 0, 10); },
                               {"rank 0", "alive message declares 10 floats, expected 0"});
}

TEST(Message, WrongHeaderSize) {
  const Bytes bytes = push_header(1, 10);
  expect_error<TransportError>([&] { decode_header(bytes.b, 20, 1, 10); },
                               {"rank 1", "a header of 20 bytes, expected 48"});
}

TEST(Message, BadMagic) {
  Bytes bytes = push_header(2, 10);
  bytes.b[0] = 'X';
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 2, 10); }, {"rank 2", "bad magic"});
}

TEST(Message, WrongProtocol) {
  Bytes bytes = push_header(1, 10);
  bytes.b[4] = 9;
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 1, 10); }, {"protocol 9"});
}

TEST(Message, CorruptedHeaderFailsTheChecksum) {
  Bytes bytes = push_header(1, 10);
  bytes.b[20] ^= 0x01;  // the version
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 1, 10); }, {"header checksum mismatch"});
}

TEST(Message, UnknownTypeWithAValidChecksum) {
  MessageHeader h;
  h.type = static_cast<MessageType>(77);
  h.sender = 1;
  Bytes bytes;
  encode_header(h, bytes.b);
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 1, 10); }, {"unknown message type 77"});
}

TEST(Message, SenderMustMatchTheSourceRank) {
  const Bytes bytes = push_header(4, 10);
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 2, 10); },
                               {"from rank 2", "header says it comes from rank 4"});
}

TEST(Message, DeclaredPayloadMustHaveTheModelsSize) {
  Bytes bytes = push_header(1, 10);
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 1, 12); },
                               {"push message declares 10 floats, expected 12"});
  bytes = push_header(1, ~0ull / 2);  // an absurd size is refused before any receive
  expect_error<TransportError>([&] { decode_header(bytes.b, sizeof bytes.b, 1, 12); }, {"expected 12"});
}

}  // namespace
}  // namespace hsgd
