// message_test.cc: the wire format round-trips, and every broken header or
// payload is rejected with the sender's rank and the problem, never trusted.
#include "hsgd/transport/message.h"

#include <cstring>

#include "tests/test_util.h"

namespace hsgd {
namespace {

using testing::expect_error;

std::vector<char> push_message(int sender, size_t n) {
  std::vector<float> grad(n);
  for (size_t i = 0; i < n; ++i) grad[i] = 0.5f * i;
  MessageHeader h;
  h.type = MessageType::kPush;
  h.sender = sender;
  h.version = 42;
  h.payload_floats = n;
  h.value = 1.25;
  std::vector<char> bytes;
  encode_message(h, grad.data(), bytes);
  return bytes;
}

TEST(Message, RoundTrip) {
  const auto bytes = push_message(3, 100);
  EXPECT_EQ(bytes.size(), MessageHeader::kBytes + 400);
  const DecodedMessage m = decode_message(bytes.data(), bytes.size(), 3, 100);
  EXPECT_EQ(m.header.type, MessageType::kPush);
  EXPECT_EQ(m.header.version, 42u);
  EXPECT_EQ(m.header.value, 1.25);
  EXPECT_EQ(m.payload[99], 49.5f);
}

TEST(Message, StopCarriesNothing) {
  MessageHeader h;
  h.type = MessageType::kStop;
  std::vector<char> bytes;
  encode_message(h, nullptr, bytes);
  EXPECT_EQ(decode_message(bytes.data(), bytes.size(), 0, 1000).payload, nullptr);
}

TEST(Message, ShorterThanTheHeader) {
  const auto bytes = push_message(1, 10);
  expect_error<TransportError>([&] { decode_message(bytes.data(), 20, 1, 10); },
                               {"rank 1", "20 bytes, shorter than the 48-byte header"});
}

TEST(Message, BadMagic) {
  auto bytes = push_message(2, 10);
  bytes[0] = 'X';
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 2, 10); }, {"rank 2", "bad magic"});
}

TEST(Message, WrongProtocolAndUnknownType) {
  auto bytes = push_message(1, 10);
  bytes[4] = 9;
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 10); }, {"protocol 9"});
  bytes = push_message(1, 10);
  bytes[6] = 77;
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 10); }, {"unknown message type 77"});
}

TEST(Message, SenderMustMatchTheSourceRank) {
  const auto bytes = push_message(4, 10);
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 2, 10); },
                               {"from rank 2", "header says it comes from rank 4"});
}

TEST(Message, DeclaredLengthMustMatchWhatArrived) {
  auto bytes = push_message(1, 10);
  bytes.resize(bytes.size() - 4);  // truncated payload
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 10); },
                               {"declares 10 floats but 36 payload bytes arrived"});
  bytes = push_message(1, 10);
  const uint64_t huge = ~0ull / 2;  // a header claiming an absurd payload
  std::memcpy(bytes.data() + 24, &huge, 8);
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 10); }, {"payload bytes arrived"});
}

TEST(Message, PayloadMustHaveTheModelsSize) {
  const auto bytes = push_message(1, 10);
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 12); },
                               {"push message carries 10 floats, expected 12"});
}

TEST(Message, CorruptedPayloadFailsTheChecksum) {
  auto bytes = push_message(1, 10);
  bytes[MessageHeader::kBytes + 7] ^= 0x10;
  expect_error<TransportError>([&] { decode_message(bytes.data(), bytes.size(), 1, 10); }, {"checksum mismatch"});
}

}  // namespace
}  // namespace hsgd
