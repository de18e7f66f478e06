#include "host.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include "ascii.hpp"
#include "herald/base/hex.hpp"
#include "percent_encode.hpp"

namespace herald::match {
namespace {

// "Forbidden host code point": never valid in any host.
bool is_forbidden_host_code_point(char c) {
  return std::string_view("\0\t\n\r #/:<>?@[\\]^|", 18).find(c) != std::string_view::npos;
}

// "Forbidden domain code point": the above, C0 controls, % and DEL.
bool is_forbidden_domain_code_point(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_forbidden_host_code_point(c) || u < 0x20 || c == '%' || u == 0x7F;
}

std::vector<std::string_view> split_dots(std::string_view input) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = input.find('.', start);
    parts.push_back(input.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// "IPv4 number parser": decimal, 0x-prefixed hexadecimal or 0-prefixed octal.
std::optional<std::uint64_t> parse_ipv4_number(std::string_view input) {
  if (input.empty()) return std::nullopt;
  int radix = 10;
  if (input.size() >= 2 && input[0] == '0' && (input[1] == 'x' || input[1] == 'X')) {
    input.remove_prefix(2);
    radix = 16;
  } else if (input.size() >= 2 && input[0] == '0') {
    input.remove_prefix(1);
    radix = 8;
  }
  std::uint64_t value = 0;
  for (const char c : input) {
    const int digit = hex_digit_value(c);
    if (digit < 0 || digit >= radix) return std::nullopt;
    // Anything past 2^32 is refused later: stop growing to stay clear of overflow.
    value = value > 0xFFFFFFFFull ? value : value * radix + digit;
  }
  return value;
}

// "Ends in a number checker": such a host must parse as IPv4 or is no host at all.
bool ends_in_a_number(std::string_view input) {
  std::vector<std::string_view> parts = split_dots(input);
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  const std::string_view last = parts.back();
  if (!last.empty() && last.find_first_not_of("0123456789") == std::string_view::npos) return true;
  return parse_ipv4_number(last).has_value();
}

// "IPv4 parser", serialized at once.
std::optional<std::string> parse_ipv4(std::string_view input) {
  std::vector<std::string_view> parts = split_dots(input);
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4) return std::nullopt;
  std::vector<std::uint64_t> numbers;
  for (const std::string_view part : parts) {
    const auto n = parse_ipv4_number(part);
    if (!n) return std::nullopt;
    numbers.push_back(*n);
  }
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i)
    if (numbers[i] > 255) return std::nullopt;
  const std::uint64_t limit = 1ull << (8 * (5 - numbers.size()));
  if (numbers.back() >= limit) return std::nullopt;
  std::uint64_t address = numbers.back();
  for (std::size_t i = 0; i + 1 < numbers.size(); ++i)
    address += numbers[i] << (8 * (3 - i));
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((address >> shift) & 0xFF);
    if (shift > 0) out += '.';
  }
  return out;
}

// "IPv6 parser" (input without its brackets).
std::optional<std::array<std::uint16_t, 8>> parse_ipv6(std::string_view input) {
  std::array<std::uint16_t, 8> address{};
  std::size_t piece = 0;
  std::optional<std::size_t> compress;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return k < input.size() ? input[k] : '\0'; };
  if (at(0) == ':') {
    if (at(1) != ':') return std::nullopt;
    i = 2;
    compress = ++piece;
  }
  while (i < input.size()) {
    if (piece == 8) return std::nullopt;
    if (at(i) == ':') {
      if (compress) return std::nullopt;
      ++i;
      compress = ++piece;
      continue;
    }
    unsigned value = 0;
    std::size_t length = 0;
    while (length < 4 && hex_digit_value(at(i)) >= 0) {
      value = value * 16 + hex_digit_value(at(i));
      ++i;
      ++length;
    }
    if (at(i) == '.') {
      // An embedded IPv4 address fills the last two pieces.
      if (length == 0 || piece > 6) return std::nullopt;
      i -= length;
      int numbers_seen = 0;
      while (i < input.size()) {
        int ipv4_piece = -1;
        if (numbers_seen > 0) {
          if (at(i) != '.' || numbers_seen >= 4) return std::nullopt;
          ++i;
        }
        if (at(i) < '0' || at(i) > '9') return std::nullopt;
        while (at(i) >= '0' && at(i) <= '9') {
          const int digit = at(i) - '0';
          if (ipv4_piece == 0) return std::nullopt;
          ipv4_piece = ipv4_piece < 0 ? digit : ipv4_piece * 10 + digit;
          if (ipv4_piece > 255) return std::nullopt;
          ++i;
        }
        address[piece] = static_cast<std::uint16_t>(address[piece] * 0x100 + ipv4_piece);
        ++numbers_seen;
        if (numbers_seen == 2 || numbers_seen == 4) ++piece;
      }
      if (numbers_seen != 4) return std::nullopt;
      break;
    }
    if (at(i) == ':') {
      ++i;
      if (i >= input.size()) return std::nullopt;
    } else if (i < input.size()) {
      return std::nullopt;
    }
    address[piece++] = static_cast<std::uint16_t>(value);
  }
  if (compress) {
    std::size_t swaps = piece - *compress;
    piece = 7;
    while (piece != 0 && swaps > 0) {
      std::swap(address[piece], address[*compress + swaps - 1]);
      --piece;
      --swaps;
    }
  } else if (piece != 8) {
    return std::nullopt;
  }
  return address;
}

// "IPv6 serializer": the longest run of two or more zero pieces becomes "::".
std::string serialize_ipv6(const std::array<std::uint16_t, 8>& address) {
  std::size_t best_start = 8, best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && address[j] == 0)
      ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += i == 0 ? "::" : ":";
      i += best_length - 1;
      continue;
    }
    std::string piece;
    for (unsigned v = address[i]; v != 0 || piece.empty(); v >>= 4)
      piece.insert(0, 1, kHex[v & 0xF]);
    out += piece;
    if (i != 7) out += ':';
  }
  return out + "]";
}

std::optional<std::string> parse_bracketed_ipv6(std::string_view input) {
  if (input.size() < 2 || input.back() != ']') return std::nullopt;
  const auto address = parse_ipv6(input.substr(1, input.size() - 2));
  if (!address) return std::nullopt;
  return serialize_ipv6(*address);
}

}  // namespace

std::optional<std::string> parse_special_host(std::string_view input) {
  if (!input.empty() && input.front() == '[') return parse_bracketed_ipv6(input);
  std::string domain = percent_decode(input);
  for (char& c : domain) {
    if (static_cast<unsigned char>(c) >= 0x80 || is_forbidden_domain_code_point(c))
      return std::nullopt;
    c = to_ascii_lower(c);
  }
  if (domain.empty()) return std::nullopt;
  if (ends_in_a_number(domain)) return parse_ipv4(domain);
  return domain;
}

std::optional<std::string> parse_opaque_host(std::string_view input) {
  if (!input.empty() && input.front() == '[') return parse_bracketed_ipv6(input);
  for (const char c : input)
    if (is_forbidden_host_code_point(c)) return std::nullopt;
  return percent_encode(input, EncodeSet::c0_control);
}

}  // namespace herald::match
