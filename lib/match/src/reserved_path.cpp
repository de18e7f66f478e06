#include "herald/match/reserved_path.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "url.hpp"

namespace herald::match {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding normalization: %6D becomes 'm'; other escapes stay as they are.
std::string decode_unreserved(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      const int hi = hex_value(path[i + 1]);
      const int lo = hex_value(path[i + 2]);
      if (hi >= 0 && lo >= 0 && is_unreserved(static_cast<unsigned char>(hi * 16 + lo))) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

// The normalized path of `url`; nullopt when it has none.
std::optional<std::string> normalized_path(const Url& url) {
  if (url.opaque_path) return std::nullopt;
  std::string decoded = decode_unreserved(url.pathname());
  // Decoding may have spelled new dot segments ("%2E%2E" the parser already resolves, but
  // not every mix): parse the decoded path once more so they are resolved too.
  return special_pathname(decoded);
}

}  // namespace

ReservedPath::ReservedPath(std::string_view hub_url) {
  auto base = parse_url(hub_url, nullptr);
  if (!base) return;
  auto hub_path = normalized_path(*base);
  if (!hub_path) return;
  hub_path_ = std::move(*hub_path);
  base_ = std::make_shared<const Url>(std::move(*base));
}

bool ReservedPath::addressed_by(std::string_view topic) const {
  if (!base_) return false;
  auto url = parse_url(topic, base_.get());
  if (!url) return false;
  auto path = normalized_path(*url);
  if (!path) return false;
  if (!path->starts_with(hub_path_)) return false;
  return path->size() == hub_path_.size() || (*path)[hub_path_.size()] == '/' ||
         hub_path_.ends_with('/');
}

}  // namespace herald::match
