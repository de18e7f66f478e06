#pragma once
#include <string_view>

namespace herald {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace herald
