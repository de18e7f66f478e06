#pragma once
// JSON from untrusted bytes: nesting bounded before nlohmann sees it, no exceptions.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace herald::auth {

// Deep nesting costs stack in nlohmann's recursive dump and destructor, and no token or
// key set needs more than a few levels.
inline constexpr std::size_t kMaxJsonDepth = 32;

// Objects keep their members' order, so that `mercure.payload` is handed on as written.
using Json = nlohmann::ordered_json;

// The parsed value, or nullopt for invalid JSON (including invalid UTF-8) or nesting
// deeper than `max_depth`.
std::optional<Json> parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace herald::auth
