#pragma once
// One event as the durable histories store it: the value under its seq in the LMDB
// history's `events` table, and the `u` field of an entry in the cluster's Redis stream.
// A small versioned binary codec whose decoder accepts exactly what the encoder writes:
// every length is checked against the bytes and trailing bytes are refused, so a damaged
// file reads as "malformed", never as a different event. Needs only hub/update.hpp, so
// the fuzz build (no Boost, no LMDB) compiles it too.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/update.hpp"

namespace herald::store {

// Layout, integers big-endian:
//   version u8 (1) | flags u8 (bit 0: private; others zero) | published_ms i64 |
//   id_len u32 | id | topic_count u32 | (topic_len u32 | topic)* | frame_len u32 | frame
// The seq is not in the record: it is the record's key (LMDB), or the order in which a
// node reads the stream (Redis).
inline constexpr std::uint8_t kRecordVersion = 1;

// A decoded record; its strings view the decoded bytes (in LMDB: valid until the
// transaction that read them ends).
struct RecordView {
  std::int64_t published_ms = 0;  // when the store wrote it, ms since the Unix epoch
  bool is_private = false;
  std::string_view id;
  std::vector<std::string_view> topics;
  std::string_view frame;
};

// Empty when a string does not fit a u32 length (no update that large reaches the hub).
std::optional<std::string> encode_record(const hub::Update& update, std::int64_t published_ms);
std::optional<RecordView> decode_record(std::string_view bytes);
// The update a record holds, with `seq` (its key).
hub::UpdatePtr to_update(const RecordView& record, std::uint64_t seq);

}  // namespace herald::store
