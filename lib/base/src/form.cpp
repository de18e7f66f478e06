#include "herald/base/form.hpp"

#include "herald/base/hex.hpp"
#include "herald/base/utf8.hpp"

namespace herald::form {

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;  // a '%' needs two hex digits after it
      int hi = hex_digit_value(in[i + 1]);
      int lo = hex_digit_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return true;
}

bool decode(std::string_view text, std::vector<Field>& out, std::string& error,
            const Limits& limits) {
  std::size_t count = 0;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2" is common and harmless
    if (++count > limits.max_fields) {
      error = "too many form fields (limit " + std::to_string(limits.max_fields) + ")";
      return false;
    }
    auto eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (raw_value.size() > limits.max_value_bytes * 3) {
      error = "form field too large";
      return false;
    }
    Field field;
    if (!percent_decode(raw_name, field.name) || !percent_decode(raw_value, field.value)) {
      error = "bad percent-encoding in form field '" + std::string(raw_name.substr(0, 64)) + "'";
      return false;
    }
    if (field.value.size() > limits.max_value_bytes) {
      error = "form field '" + field.name.substr(0, 64) + "' too large";
      return false;
    }
    if (!is_valid_utf8(field.name) || !is_valid_utf8(field.value)) {
      error = "form field '" + std::string(raw_name.substr(0, 64)) + "' is not valid UTF-8";
      return false;
    }
    out.push_back(std::move(field));
  }
  return true;
}

std::string encode(std::string_view in) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    const bool as_is = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '*' || c == '-' || c == '.' || c == '_';
    if (as_is) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

const std::string* find(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

}  // namespace herald::form
