#pragma once
// Finding line ends (CR or LF) fast: the parser and the serializer both split text into
// lines, and this scan is where nearly all of their time goes on large payloads.
// std::string_view::find_first_of("\r\n") tests one byte at a time; here we test 16
// (SSE2) or 8 (portable SWAR) at once.
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace herald::wire::detail {

// Returns the first CR or LF in [p, end), or end. Sets `non_ascii` when a byte >= 0x80
// comes before it, so that the caller can skip UTF-8 repair for pure-ASCII lines (most
// of them) without a second pass over the bytes.
inline const char* find_line_end(const char* p, const char* end, bool& non_ascii) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned eol = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
    const unsigned high = static_cast<unsigned>(_mm_movemask_epi8(v));
    if (eol != 0) {
      const unsigned at = static_cast<unsigned>(__builtin_ctz(eol));
      if ((high & ((1u << at) - 1)) != 0) non_ascii = true;
      return p + at;
    }
    if (high != 0) non_ascii = true;
    p += 16;
  }
#else
  // SWAR: a byte of (w ^ pattern) is zero where w has the pattern byte. The exact
  // zero-byte test below has no false positives, so the first flagged byte is a hit.
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high_bits = 0x8080808080808080ull;
  constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
  const auto zero_bytes = [](std::uint64_t x) { return ~(((x & low7) + low7) | x | low7); };
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t eol = zero_bytes(w ^ (ones * '\r')) | zero_bytes(w ^ (ones * '\n'));
    if (eol != 0) break;  // the byte loop below finds it and the high bytes before it
    if ((w & high_bits) != 0) non_ascii = true;
    p += 8;
  }
#endif
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '\r' || c == '\n') return p;
    if (c >= 0x80) non_ascii = true;
  }
  return end;
}

inline const char* find_line_end(const char* p, const char* end) {
  bool ignored = false;
  return find_line_end(p, end, ignored);
}

}  // namespace herald::wire::detail
