// WHATWG "UTF-8 decode" with replacement, specialised to appending bytes: valid runs are
// copied in bulk, only the bad bytes are rewritten.
#include "utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace herald::wire::detail {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

struct Step {
  std::size_t length;  // bytes consumed
  bool valid;
};

// Decodes one sequence starting at a byte >= 0x80. When it is ill-formed, `length` is its
// maximal subpart (the lead byte plus the continuation bytes that were still acceptable),
// and the byte that broke it is left for the next step, as the WHATWG decoder does.
Step step(const unsigned char* s, std::size_t n) {
  const unsigned char lead = s[0];
  std::size_t needed = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    if (lead == 0xE0) lower = 0xA0;  // overlong
    if (lead == 0xED) upper = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    if (lead == 0xF0) lower = 0x90;  // overlong
    if (lead == 0xF4) upper = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};  // continuation byte, C0/C1 (overlong) or F5..FF
  }
  for (std::size_t k = 1; k <= needed; ++k) {
    if (k >= n || s[k] < lower || s[k] > upper) return {k, false};
    lower = 0x80;
    upper = 0xBF;
  }
  return {needed + 1, true};
}

}  // namespace

void append_utf8_repaired(std::string& out, std::string_view in) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::size_t run = 0;  // start of the bytes not yet copied to `out`
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    while (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const Step st = step(s + i, n - i);
    if (!st.valid) {
      out.append(in.data() + run, i - run);
      out.append(replacement_character);
      run = i + st.length;
    }
    i += st.length;
  }
  out.append(in.data() + run, n - run);
}

}  // namespace herald::wire::detail
