#include "stream_id.hpp"

#include <charconv>

namespace herald::cluster {

namespace {

bool parse_part(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<StreamId> parse_stream_id(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  StreamId id;
  if (!parse_part(text.substr(0, dash), id.ms) || !parse_part(text.substr(dash + 1), id.seq))
    return std::nullopt;
  return id;
}

}  // namespace herald::cluster
