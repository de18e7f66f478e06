#pragma once
// A Redis stream entry id, "MS-SEQ": ordered as Redis orders them, so a node can tell
// whether it has read up to a given entry.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::cluster {

struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  auto operator<=>(const StreamId&) const = default;
  std::string text() const { return std::to_string(ms) + "-" + std::to_string(seq); }
};

// "MS-SEQ" (both parts decimal); nothing for anything else.
std::optional<StreamId> parse_stream_id(std::string_view text);

}  // namespace herald::cluster
