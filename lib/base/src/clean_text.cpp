#include "herald/base/clean_text.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace herald {

namespace {

struct Range {
  char32_t first, last;
};

// General category Cf, Unicode 15.0 (DerivedGeneralCategory.txt).
constexpr Range kFormatCharacters[] = {
    {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
    {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
    {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
    {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
    {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
    {0xE0020, 0xE007F},
};

bool is_forbidden(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;
  auto it = std::upper_bound(std::begin(kFormatCharacters), std::end(kFormatCharacters), c,
                             [](char32_t value, const Range& r) { return value < r.first; });
  return it != std::begin(kFormatCharacters) && c <= std::prev(it)->last;
}

}  // namespace

bool is_clean_text(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t c = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length && i + k < utf8.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    if (is_forbidden(c)) return false;
    i += length;
  }
  return true;
}

}  // namespace herald
