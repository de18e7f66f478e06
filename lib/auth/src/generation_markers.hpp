#pragma once
// The claims that tell Mercure's two token generations apart, and the refusal of a token
// that carries both: it would mean one thing to a 0.x hub and another to a 1.0 hub.
#include <string_view>

namespace herald::auth {

inline constexpr std::string_view kLegacyClaim = "mercure";
inline constexpr std::string_view kAuthorizationDetailsClaim = "authorization_details";

inline constexpr std::string_view kMixedGenerationsMessage =
    "the token mixes Mercure generations: a 0.x \"mercure\" claim and a 1.0 access token "
    "(typ at+jwt or authorization_details)";

}  // namespace herald::auth
