// The stores' record codec: what it writes it reads back, and it refuses anything
// else, byte by byte (fuzz/fuzz_update_record.cpp explores the rest).
#include "herald/store/update_record.hpp"

#include <gtest/gtest.h>

namespace herald::store {
namespace {

hub::Update sample() {
  hub::Update u;
  u.id = "urn:uuid:1";
  u.topics = {"https://example.com/books/1", "", "b"};
  u.is_private = true;
  u.frame = "id: urn:uuid:1\ndata: hello\n\n";
  return u;
}

TEST(LmdbRecord, ReadsBackWhatItWrote) {
  const hub::Update u = sample();
  const auto bytes = encode_record(u, 1764460800123);
  ASSERT_TRUE(bytes.has_value());
  const auto record = decode_record(*bytes);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->published_ms, 1764460800123);
  const hub::UpdatePtr back = to_update(*record, 42);
  EXPECT_EQ(back->id, u.id);
  EXPECT_EQ(back->topics, u.topics);
  EXPECT_TRUE(back->is_private);
  EXPECT_EQ(back->frame, u.frame);
  EXPECT_EQ(back->seq, 42u);
}

TEST(LmdbRecord, RefusesEveryTruncationAndAnyTrailingByte) {
  const std::string bytes = *encode_record(sample(), 7);
  for (std::size_t size = 0; size < bytes.size(); ++size)
    EXPECT_FALSE(decode_record(std::string_view(bytes).substr(0, size))) << size;
  EXPECT_FALSE(decode_record(bytes + '\0'));
}

TEST(LmdbRecord, RefusesAnotherVersionOrUnknownFlags) {
  std::string bytes = *encode_record(sample(), 7);
  std::string other_version = bytes;
  other_version[0] = 2;
  EXPECT_FALSE(decode_record(other_version));
  std::string unknown_flag = bytes;
  unknown_flag[1] = 3;
  EXPECT_FALSE(decode_record(unknown_flag));
}

TEST(LmdbRecord, RefusesATopicCountTheBytesCannotHold) {
  hub::Update u;
  u.id = "i";
  std::string bytes = *encode_record(u, 0);
  // version, flags, time, id length, id: the topic count follows.
  const std::size_t count_at = 1 + 1 + 8 + 4 + 1;
  bytes.replace(count_at, 4, "\xff\xff\xff\xff");
  EXPECT_FALSE(decode_record(bytes));
}

}  // namespace
}  // namespace herald::store
