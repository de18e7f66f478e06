// libFuzzer target for URI template parsing and matching.
//
// Input: "<template>\n<topic>" (no newline: the topic is the template's own text). Values
// for an expansion come from the topic split at 0x1F. Checked invariants:
//   - parsing never crashes; a refusal always says why;
//   - a template without expressions matches exactly its own text;
//   - an expansion of the template (values from the input, some variables undefined, some
//     lists) always matches it;
//   - Selector::parse agrees with UriTemplate::parse on text with braces, and a template
//     selector matches its own text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/match/selector.hpp"
#include "herald/match/uri_template.hpp"

namespace {

using herald::match::Expression;
using herald::match::Operator;
using herald::match::Selector;
using herald::match::TemplatePart;
using herald::match::UriTemplate;

void check(bool ok, const char* what, std::string_view tmpl, std::string_view uri) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n  template: %.*s\n  uri: %.*s\n", what,
               static_cast<int>(tmpl.size()), tmpl.data(), static_cast<int>(uri.size()),
               uri.data());
  std::abort();
}

// Deterministic choices (defined or not, string or list) drawn from the input.
class Choices {
 public:
  explicit Choices(std::uint64_t seed) : state_(seed | 1) {}
  unsigned next(unsigned n) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<unsigned>(state_ % n);
  }

 private:
  std::uint64_t state_;
};

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_reserved(unsigned char c) {
  return std::string_view(":/?#[]@!$&'()*+,;=").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

void encode(std::string& out, std::string_view v, bool allow_reserved) {
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : v) {
    if (is_unreserved(c) || (allow_reserved && is_reserved(c))) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

// The first `n` characters of `v`, a character being a byte that does not continue a
// UTF-8 sequence plus the continuation bytes after it.
std::string_view prefix(std::string_view v, std::size_t n) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if ((static_cast<unsigned char>(v[i]) & 0xC0) != 0x80 && chars++ == n) return v.substr(0, i);
  }
  return v;
}

struct OpSyntax {
  std::string_view first, sep, ifemp;
  bool named, reserved;
};

OpSyntax syntax(Operator op) {
  switch (op) {
    case Operator::simple:
      return {"", ",", "", false, false};
    case Operator::reserved:
      return {"", ",", "", false, true};
    case Operator::fragment:
      return {"#", ",", "", false, true};
    case Operator::label:
      return {".", ".", "", false, false};
    case Operator::path:
      return {"/", "/", "", false, false};
    case Operator::parameter:
      return {";", ";", "", true, false};
    case Operator::query:
      return {"?", "&", "=", true, false};
    case Operator::query_continuation:
      return {"&", "&", "=", true, false};
  }
  return {"", ",", "", false, false};
}

// RFC 6570 section 3.2.1, for string and list values.
std::string expand(const UriTemplate& t, const std::vector<std::string>& pool, Choices& pick) {
  std::string out;
  for (const TemplatePart& part : t.parts()) {
    if (!part.is_expression) {
      out += part.literal;
      continue;
    }
    const OpSyntax op = syntax(part.expression.op);
    bool written = false;
    for (const auto& var : part.expression.vars) {
      if (pick.next(4) == 0) continue;  // undefined
      out += written ? op.sep : op.first;
      written = true;
      const bool list = var.prefix == 0 && pick.next(3) == 0;
      std::vector<std::string_view> items;
      const unsigned count = list ? 1 + pick.next(3) : 1;
      for (unsigned i = 0; i < count; ++i)
        items.push_back(pool[pick.next(pool.size())]);
      if (var.prefix != 0) items[0] = prefix(items[0], var.prefix);
      if (!list) {
        if (op.named) {
          out += var.name;
          if (items[0].empty()) {
            out += op.ifemp;
            continue;
          }
          out += '=';
        }
        encode(out, items[0], op.reserved);
      } else if (!var.explode) {
        if (op.named) out += var.name + "=";
        for (unsigned i = 0; i < count; ++i) {
          if (i > 0) out += ',';
          encode(out, items[i], op.reserved);
        }
      } else {
        for (unsigned i = 0; i < count; ++i) {
          if (i > 0) out += op.sep;
          if (op.named) {
            out += var.name;
            if (items[i].empty()) {
              out += op.ifemp;
              continue;
            }
            out += '=';
          }
          encode(out, items[i], op.reserved);
        }
      }
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view text = input.substr(0, newline);
  const std::string_view uri = newline == std::string_view::npos ? text : input.substr(newline + 1);

  std::string error;
  const auto tmpl = UriTemplate::parse(text, &error);

  // Selectors: braces mean a template, and the two parsers must agree.
  std::string selector_error;
  const auto selector = Selector::parse(text, &selector_error);
  check(selector.has_value() || !selector_error.empty(), "selector refused without reason", text,
        uri);
  const bool braces = text.find_first_of("{}") != std::string_view::npos;
  if (braces && !text.empty() && text.size() <= Selector::kMaxLength) {
    check(selector.has_value() == tmpl.has_value(), "selector and template parsers disagree", text,
          uri);
  }
  if (selector) {
    check(selector->matches(text), "selector does not match its own text", text, uri);
    selector->matches(uri);
  }

  if (!tmpl) {
    check(!error.empty(), "template refused without reason", text, uri);
    return 0;
  }
  const bool matched = tmpl->matches(uri);
  if (tmpl->expression_count() == 0) {
    check(matched == (uri == text), "literal template must match exactly its text", text, uri);
    check(tmpl->matches(text), "literal template does not match its text", text, uri);
    return 0;
  }

  std::vector<std::string> pool;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= uri.size(); ++i) {
    if (i == uri.size() || uri[i] == '\x1f') {
      pool.emplace_back(uri.substr(start, i - start));
      start = i + 1;
    }
  }
  Choices pick(std::hash<std::string_view>{}(input));
  for (int round = 0; round < 4; ++round) {
    const std::string expansion = expand(*tmpl, pool, pick);
    check(tmpl->matches(expansion), "an expansion does not match its template", text, expansion);
  }
  return 0;
}
