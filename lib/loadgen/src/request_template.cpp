#include "herald/loadgen/request_template.hpp"

namespace herald::loadgen {

namespace {
constexpr char hex_digits[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}
}  // namespace

void append_escaped(std::string& out, std::string_view text, Escape escape) {
  switch (escape) {
    case Escape::none:
      out.append(text);
      return;
    case Escape::url:
      for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (unreserved(c)) {
          out += ch;
        } else {
          out += '%';
          out += hex_digits[c >> 4];
          out += hex_digits[c & 15];
        }
      }
      return;
    case Escape::json:
      for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
          out += '\\';
          out += ch;
        } else if (c < 0x20) {
          out += "\\u00";
          out += hex_digits[c >> 4];
          out += hex_digits[c & 15];
        } else {
          out += ch;
        }
      }
      return;
  }
}

Template::Template(std::string_view text) {
  std::string literal;
  while (!text.empty()) {
    Kind kind = Kind::literal;
    if (text.starts_with("{topic}")) kind = Kind::topic;
    if (text.starts_with("{data}")) kind = Kind::data;
    if (kind == Kind::literal) {
      literal += text.front();
      text.remove_prefix(1);
      continue;
    }
    if (!literal.empty()) segments_.push_back({Kind::literal, std::move(literal)});
    literal.clear();
    segments_.push_back({kind, {}});
    text.remove_prefix(kind == Kind::topic ? 7 : 6);
  }
  if (!literal.empty()) segments_.push_back({Kind::literal, std::move(literal)});
}

void Template::render(std::string& out, std::string_view topic, std::string_view data,
                      Escape escape) const {
  for (const Segment& s : segments_) {
    switch (s.kind) {
      case Kind::literal:
        out += s.text;
        break;
      case Kind::topic:
        append_escaped(out, topic, escape);
        break;
      case Kind::data:
        append_escaped(out, data, escape);
        break;
    }
  }
}

std::optional<PublishFormat> publish_format(std::string_view name) {
  if (name == "form") {
    return PublishFormat{"application/x-www-form-urlencoded", "topic={topic}&data={data}",
                         Escape::url};
  }
  if (name == "json") {
    return PublishFormat{"application/json", R"({"topic":"{topic}","data":"{data}"})",
                         Escape::json};
  }
  if (name == "raw") return PublishFormat{"text/plain", "{data}", Escape::none};
  return std::nullopt;
}

}  // namespace herald::loadgen
