// URL Pattern Standard, "URLPatternInit" processing for patterns: the eight component
// patterns, defaulted from the base URL or to "*".
#pragma once

#include <optional>
#include <string>

#include "url.hpp"

namespace herald::match {

// A component pattern per URL component; nullopt where the pattern string gave none.
struct PatternInit {
  std::optional<std::string> protocol;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> hostname;
  std::optional<std::string> port;
  std::optional<std::string> pathname;
  std::optional<std::string> search;
  std::optional<std::string> hash;
};

// "Process a URLPatternInit" (type "pattern") against `base` (null for none), then every
// component still missing becomes "*" and a special scheme's default port becomes "".
PatternInit resolve_pattern_init(PatternInit init, const Url* base);

}  // namespace herald::match
