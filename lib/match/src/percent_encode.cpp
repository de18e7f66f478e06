#include "percent_encode.hpp"

#include "herald/base/hex.hpp"

namespace herald::match {
namespace {

// The printable ASCII characters each set adds to the C0 control percent-encode set.
// Node.js 20's URL (the polyfill's and browsers' behaviour) leaves ^ out of the path set.
std::string_view printable_members(EncodeSet set) {
  switch (set) {
    case EncodeSet::c0_control:
      return "";
    case EncodeSet::fragment:
      return " \"<>`";
    case EncodeSet::query:
      return " \"#<>";
    case EncodeSet::special_query:
      return " \"#<>'";
    case EncodeSet::path:
      return " \"#<>?`{}";
    case EncodeSet::userinfo:
      return " \"#<>?`{}/:;=@[\\]^|";
  }
  return "";
}

}  // namespace

std::string percent_encode(std::string_view input, EncodeSet set) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::string_view members = printable_members(set);
  std::string out;
  out.reserve(input.size());
  for (const char ch : input) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E || members.find(ch) != std::string_view::npos) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string percent_decode(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '%') {
      const int high = i + 1 < input.size() ? hex_digit_value(input[i + 1]) : -1;
      const int low = i + 2 < input.size() ? hex_digit_value(input[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += input[i];
  }
  return out;
}

}  // namespace herald::match
