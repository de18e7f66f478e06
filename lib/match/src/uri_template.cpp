#include "herald/match/uri_template.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <span>
#include <utility>

namespace herald::match {
namespace {

// ---------------------------------------------------------------------------------------
// Character classes (RFC 3986 and RFC 6570 section 1.5)

enum : std::uint8_t {
  kUnreserved = 1 << 0,  // ALPHA DIGIT - . _ ~
  kReserved = 1 << 1,    // gen-delims and sub-delims
  kComma = 1 << 2,       // joins list members in every non-exploded value
  kHex = 1 << 3,
  kVarchar = 1 << 4,  // ALPHA DIGIT _ (pct-encoded handled apart)
  kLiteral = 1 << 5,  // ASCII allowed raw in template literals
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> c{};
  for (int ch = 'a'; ch <= 'z'; ++ch)
    c[ch] |= kUnreserved | kVarchar;
  for (int ch = 'A'; ch <= 'Z'; ++ch)
    c[ch] |= kUnreserved | kVarchar;
  for (int ch = '0'; ch <= '9'; ++ch)
    c[ch] |= kUnreserved | kVarchar | kHex;
  for (int ch = 'a'; ch <= 'f'; ++ch)
    c[ch] |= kHex;
  for (int ch = 'A'; ch <= 'F'; ++ch)
    c[ch] |= kHex;
  for (char ch : std::string_view("-._~"))
    c[static_cast<unsigned char>(ch)] |= kUnreserved;
  c['_'] |= kVarchar;
  for (char ch : std::string_view(":/?#[]@!$&'()*+,;=")) {
    c[static_cast<unsigned char>(ch)] |= kReserved;
  }
  c[','] |= kComma;
  // RFC 6570 literals: every printable ASCII character except space " ' % < > \ ^ ` { | }
  // ('%' only as pct-encoded, checked apart).
  for (int ch = 0x21; ch <= 0x7e; ++ch) {
    if (std::string_view("\"'%<>\\^`{|}").find(static_cast<char>(ch)) == std::string_view::npos) {
      c[ch] |= kLiteral;
    }
  }
  return c;
}

constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

bool has_class(char ch, std::uint8_t mask) {
  return (kClasses[static_cast<unsigned char>(ch)] & mask) != 0;
}

// How each operator expands (RFC 6570 appendix A).
struct OpInfo {
  char first;          // written before the first defined variable ('\0': nothing)
  char sep;            // written between defined variables (and exploded members)
  bool named;          // `name=value` pairs
  bool ifemp_equals;   // an empty named value still gets '=' (`?x=`, not `?x`)
  std::uint8_t allow;  // characters a value may hold unencoded
};

OpInfo info(Operator op) {
  switch (op) {
    case Operator::simple:
      return {'\0', ',', false, false, kUnreserved};
    case Operator::reserved:
      return {'\0', ',', false, false, kUnreserved | kReserved};
    case Operator::fragment:
      return {'#', ',', false, false, kUnreserved | kReserved};
    case Operator::label:
      return {'.', '.', false, false, kUnreserved};
    case Operator::path:
      return {'/', '/', false, false, kUnreserved};
    case Operator::parameter:
      return {';', ';', true, false, kUnreserved};
    case Operator::query:
      return {'?', '&', true, true, kUnreserved};
    case Operator::query_continuation:
      return {'&', '&', true, true, kUnreserved};
  }
  return {'\0', ',', false, false, kUnreserved};
}

// ---------------------------------------------------------------------------------------
// Parsing

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  // Fills `parts`; on failure returns false with error() set.
  bool parse(std::vector<TemplatePart>& parts, std::size_t& expressions, std::size_t& variables,
             bool& has_prefix);
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string_view what, std::size_t at) {
    error_ = std::string(what) + " at byte " + std::to_string(at);
    return false;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  bool pct_encoded_at(std::size_t i) const {
    return i + 2 < s_.size() && s_[i] == '%' && has_class(s_[i + 1], kHex) &&
           has_class(s_[i + 2], kHex);
  }

  bool literal(std::string& out);
  bool utf8_char(std::string& out);
  bool expression(Expression& out);
  bool varspec(VarSpec& out);

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t open_ = 0;  // where the current expression's '{' is, for error messages
  std::string error_;
};

bool Parser::parse(std::vector<TemplatePart>& parts, std::size_t& expressions,
                   std::size_t& variables, bool& has_prefix) {
  while (!at_end()) {
    TemplatePart part;
    if (peek() == '{') {
      if (expressions == UriTemplate::kMaxExpressions) {
        return fail(
            "too many expressions (limit " + std::to_string(UriTemplate::kMaxExpressions) + ")",
            pos_);
      }
      part.is_expression = true;
      if (!expression(part.expression)) return false;
      ++expressions;
      variables += part.expression.vars.size();
      if (variables > UriTemplate::kMaxVariables) {
        return fail("too many variables (limit " + std::to_string(UriTemplate::kMaxVariables) + ")",
                    pos_);
      }
      for (const VarSpec& v : part.expression.vars)
        has_prefix |= v.prefix != 0;
    } else if (!literal(part.literal)) {
      return false;
    }
    parts.push_back(std::move(part));
  }
  return true;
}

// Consumes literal characters up to the next '{' or the end.
bool Parser::literal(std::string& out) {
  while (!at_end() && peek() != '{') {
    const char ch = peek();
    if (ch == '}') return fail("'}' without a matching '{'", pos_);
    if (ch == '%') {
      if (!pct_encoded_at(pos_)) return fail("invalid percent-encoding", pos_);
      out.append(s_.substr(pos_, 3));
      pos_ += 3;
    } else if (static_cast<unsigned char>(ch) >= 0x80) {
      if (!utf8_char(out)) return false;
    } else if (has_class(ch, kLiteral)) {
      out.push_back(ch);
      ++pos_;
    } else {
      return fail("character not allowed in a URI template literal", pos_);
    }
  }
  return true;
}

// One UTF-8 encoded ucschar/iprivate (code point >= U+00A0), which RFC 6570 allows raw.
bool Parser::utf8_char(std::string& out) {
  const auto b0 = static_cast<unsigned char>(s_[pos_]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07u;
  } else {
    return fail("invalid UTF-8", pos_);
  }
  if (pos_ + len > s_.size()) return fail("invalid UTF-8", pos_);
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s_[pos_ + i]);
    if ((b & 0xC0u) != 0x80u) return fail("invalid UTF-8", pos_);
    cp = (cp << 6) | (b & 0x3Fu);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return fail("invalid UTF-8", pos_);
  }
  if (cp < 0xA0) return fail("control character in a URI template literal", pos_);
  out.append(s_.substr(pos_, len));
  pos_ += len;
  return true;
}

bool Parser::expression(Expression& out) {
  const std::size_t open = open_ = pos_;
  ++pos_;  // '{'
  if (at_end()) return fail("unterminated expression", open);
  switch (peek()) {
    case '+':
      out.op = Operator::reserved;
      break;
    case '#':
      out.op = Operator::fragment;
      break;
    case '.':
      out.op = Operator::label;
      break;
    case '/':
      out.op = Operator::path;
      break;
    case ';':
      out.op = Operator::parameter;
      break;
    case '?':
      out.op = Operator::query;
      break;
    case '&':
      out.op = Operator::query_continuation;
      break;
    case '=':
    case ',':
    case '!':
    case '@':
    case '|':
      return fail("reserved operator", pos_);
    case '}':
      return fail("empty expression", open);
    default:
      out.op = Operator::simple;
      break;
  }
  if (out.op != Operator::simple) ++pos_;
  for (;;) {
    VarSpec spec;
    if (!varspec(spec)) return false;
    out.vars.push_back(std::move(spec));
    if (at_end()) return fail("unterminated expression", open);
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    if (peek() != ',') return fail("unexpected character in expression", pos_);
    ++pos_;
  }
}

// varspec = varname [ ":" max-length / "*" ]; varname = varchar *( ["."] varchar )
bool Parser::varspec(VarSpec& out) {
  const std::size_t start = pos_;
  bool need_varchar = true;  // at the start and after a '.'
  while (!at_end()) {
    const char ch = peek();
    if (has_class(ch, kVarchar)) {
      ++pos_;
    } else if (ch == '%') {
      if (!pct_encoded_at(pos_)) return fail("invalid percent-encoding in variable name", pos_);
      pos_ += 3;
    } else if (ch == '.' && !need_varchar) {
      ++pos_;
      need_varchar = true;
      continue;
    } else {
      break;
    }
    need_varchar = false;
  }
  if (at_end()) return fail("unterminated expression", open_);
  if (need_varchar) return fail("invalid variable name", pos_);
  out.name = std::string(s_.substr(start, pos_ - start));
  if (peek() == '*') {
    out.explode = true;
    ++pos_;
  } else if (peek() == ':') {
    ++pos_;
    const std::size_t digits = pos_;
    unsigned value = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9' && pos_ - digits < 4) {
      value = value * 10 + static_cast<unsigned>(peek() - '0');
      ++pos_;
    }
    const bool leading_zero = pos_ > digits && s_[digits] == '0';
    const bool too_long = !at_end() && peek() >= '0' && peek() <= '9';
    if (pos_ == digits || leading_zero || too_long) {
      return fail("invalid prefix length (1 to 9999)", digits);
    }
    out.prefix = static_cast<std::uint16_t>(value);
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Matching
//
// The matcher never backtracks. It carries the set of URI positions where the template
// read so far can end (one byte per position), and pushes that set through each part in
// turn: a literal shifts it, a value run extends it. Every step is one pass over the URI,
// so a match costs O(|uri| * (parts + variables)) whatever the input.

// Position sets for one match. Small URIs use the stack: matching allocates nothing.
class Scratch {
 public:
  static constexpr std::size_t kSets = 7;

  Scratch(std::size_t n, bool counts) : stride_(n + 1) {
    if (stride_ <= kInline) {
      bytes_ = inline_bytes_.data();
      counts_ = inline_counts_.data();
    } else {
      heap_bytes_ = std::make_unique<std::uint8_t[]>(kSets * stride_);
      bytes_ = heap_bytes_.get();
      if (counts) {
        heap_counts_ = std::make_unique<std::uint32_t[]>(stride_);
        counts_ = heap_counts_.get();
      }
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  std::uint8_t* set(std::size_t i) { return bytes_ + i * stride_; }
  std::uint32_t* counts() { return counts_; }

 private:
  static constexpr std::size_t kInline = 257;
  std::size_t stride_;
  std::uint8_t* bytes_ = nullptr;
  std::uint32_t* counts_ = nullptr;
  std::array<std::uint8_t, kSets * kInline> inline_bytes_;
  std::array<std::uint32_t, kInline> inline_counts_;
  std::unique_ptr<std::uint8_t[]> heap_bytes_;
  std::unique_ptr<std::uint32_t[]> heap_counts_;
};

class Matcher {
 public:
  Matcher(std::string_view uri, Scratch& scratch)
      : t_(uri),
        n_(uri.size()),
        cur_(scratch.set(0)),
        next_(scratch.set(1)),
        b_(scratch.set(2)),
        t_set_(scratch.set(3)),
        x_(scratch.set(4)),
        m1_(scratch.set(5)),
        m2_(scratch.set(6)),
        counts_(scratch.counts()) {}

  // Whether `parts`, read from the start of the URI, can end exactly at its end.
  bool match(std::span<const TemplatePart> parts);

 private:
  // out = { p + |lit| : p in `in`, uri[p, p + |lit|) == lit }
  bool literal(const std::uint8_t* in, std::string_view lit, std::uint8_t* out) const;
  // out = `in` pushed through one expression: every way its variables can expand.
  bool expression(const Expression& e, const std::uint8_t* in, std::uint8_t* out) const;
  void skip(std::size_t k);

  bool pct_ending_at(std::size_t q) const {
    return q >= 3 && t_[q - 3] == '%' && has_class(t_[q - 2], kHex) && has_class(t_[q - 1], kHex);
  }
  bool raw_ending_at(std::size_t q, std::uint8_t mask) const {
    return q >= 1 && has_class(t_[q - 1], mask);
  }

  bool shift(const std::uint8_t* in, char c, std::uint8_t* out) const;
  bool run(const std::uint8_t* in, std::uint8_t mask, std::uint8_t* out) const;
  bool prefix_run(const std::uint8_t* in, std::uint8_t mask, std::uint32_t limit,
                  std::uint8_t* out) const;
  bool exploded(const std::uint8_t* in, const OpInfo& op, std::uint8_t* out) const;
  bool variable(const OpInfo& op, const VarSpec& v, const std::uint8_t* in,
                std::uint8_t* out) const;
  bool value(const OpInfo& op, const VarSpec& v, const std::uint8_t* in, std::uint8_t* out) const;
  bool unite(std::uint8_t* dst, const std::uint8_t* src) const;

  std::string_view t_;
  std::size_t n_;
  std::uint8_t* cur_;    // where the parts read so far can end
  std::uint8_t* next_;   // the same after the current part
  std::uint8_t* b_;      // expression: positions after at least one defined variable
  std::uint8_t* t_set_;  // expression: where the current variable may start
  std::uint8_t* x_;      // expression: where the current variable may end
  std::uint8_t* m1_;     // variable-level temporaries
  std::uint8_t* m2_;
  std::uint32_t* counts_;  // prefix_run: fewest characters to reach each position
};

bool Matcher::literal(const std::uint8_t* in, std::string_view lit, std::uint8_t* out) const {
  std::fill(out, out + n_ + 1, std::uint8_t{0});
  const std::size_t len = lit.size();
  if (len > n_) return false;
  std::size_t first = n_ + 1, active = 0;
  for (std::size_t p = 0; p + len <= n_; ++p) {
    if (in[p]) {
      if (active++ == 0) first = p;
    }
  }
  if (active == 0) return false;
  bool any = false;
  // Few starts or a short literal (the common cases): compare directly. Otherwise one KMP
  // pass over the URI, so that a hostile literal cannot cost |uri| * |literal|.
  if (active <= 4 || len <= 16) {
    for (std::size_t p = first; p + len <= n_; ++p) {
      if (in[p] && t_.compare(p, len, lit) == 0) {
        out[p + len] = 1;
        any = true;
      }
    }
    return any;
  }
  std::vector<std::uint32_t> failure(len, 0);
  for (std::size_t i = 1, k = 0; i < len; ++i) {
    while (k > 0 && lit[i] != lit[k])
      k = failure[k - 1];
    if (lit[i] == lit[k]) ++k;
    failure[i] = static_cast<std::uint32_t>(k);
  }
  for (std::size_t i = first, k = 0; i < n_; ++i) {
    while (k > 0 && t_[i] != lit[k])
      k = failure[k - 1];
    if (t_[i] == lit[k]) ++k;
    if (k == len) {
      if (in[i + 1 - len]) {
        out[i + 1] = 1;
        any = true;
      }
      k = failure[k - 1];
    }
  }
  return any;
}

bool Matcher::shift(const std::uint8_t* in, char c, std::uint8_t* out) const {
  bool any = false;
  out[0] = 0;
  for (std::size_t q = 1; q <= n_; ++q) {
    out[q] = in[q - 1] && t_[q - 1] == c;
    any |= out[q] != 0;
  }
  return any;
}

bool Matcher::unite(std::uint8_t* dst, const std::uint8_t* src) const {
  bool any = false;
  for (std::size_t q = 0; q <= n_; ++q) {
    dst[q] |= src[q];
    any |= dst[q] != 0;
  }
  return any;
}

// Any number of value characters: raw ones in `mask`, or pct-encoded triplets.
bool Matcher::run(const std::uint8_t* in, std::uint8_t mask, std::uint8_t* out) const {
  bool any = false;
  for (std::size_t q = 0; q <= n_; ++q) {
    out[q] = in[q] || (q >= 1 && out[q - 1] && raw_ending_at(q, mask)) ||
             (q >= 3 && out[q - 3] && pct_ending_at(q));
    any |= out[q] != 0;
  }
  return any;
}

// At most `limit` characters of a value (`{x:N}`). A prefix counts Unicode characters
// before encoding, so a pct-encoded UTF-8 continuation byte (%80-%BF) is free. Keeping the
// fewest characters per position is enough: fewer can only allow more afterwards.
bool Matcher::prefix_run(const std::uint8_t* in, std::uint8_t mask, std::uint32_t limit,
                         std::uint8_t* out) const {
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  bool any = false;
  for (std::size_t q = 0; q <= n_; ++q) {
    std::uint32_t c = in[q] ? 0 : kNone;
    if (q >= 1 && counts_[q - 1] != kNone && raw_ending_at(q, mask)) {
      c = std::min(c, counts_[q - 1] + 1);
    }
    if (q >= 3 && counts_[q - 3] != kNone && pct_ending_at(q)) {
      const char high = t_[q - 2];
      const bool continuation =
          high == '8' || high == '9' || high == 'a' || high == 'A' || high == 'b' || high == 'B';
      c = std::min(c, counts_[q - 3] + (continuation ? 0u : 1u));
    }
    if (c > limit) c = kNone;
    counts_[q] = c;
    out[q] = c != kNone;
    any |= out[q] != 0;
  }
  return any;
}

// An exploded value (`{x*}`): members joined by the operator's separator. A member is a
// list item or an associative `key=value` (keys replace the name for named operators, so
// names are not checked); `?` and `&` members always carry '='. Two states per position:
// m1_ marks "this member already has its '='".
bool Matcher::exploded(const std::uint8_t* in, const OpInfo& op, std::uint8_t* out) const {
  const bool need_equals = op.named && op.ifemp_equals;
  std::uint8_t* before_eq = out;
  std::uint8_t* after_eq = m1_;
  for (std::size_t q = 0; q <= n_; ++q) {
    const char prev = q >= 1 ? t_[q - 1] : '\0';
    const bool member_end = q >= 1 && (after_eq[q - 1] || (!need_equals && before_eq[q - 1]));
    before_eq[q] = in[q] || (q >= 1 && before_eq[q - 1] && raw_ending_at(q, op.allow)) ||
                   (q >= 3 && before_eq[q - 3] && pct_ending_at(q)) ||
                   (member_end && prev == op.sep);
    after_eq[q] = (q >= 1 && before_eq[q - 1] && prev == '=') ||
                  (q >= 1 && after_eq[q - 1] && raw_ending_at(q, op.allow)) ||
                  (q >= 3 && after_eq[q - 3] && pct_ending_at(q));
  }
  bool any = false;
  for (std::size_t q = 0; q <= n_; ++q) {
    out[q] = after_eq[q] || (!need_equals && before_eq[q]);
    any |= out[q] != 0;
  }
  return any;
}

// The value of a non-exploded variable: a string (optionally cut to a prefix) or, without
// a prefix, a list or associative array joined by ','.
bool Matcher::value(const OpInfo& op, const VarSpec& v, const std::uint8_t* in,
                    std::uint8_t* out) const {
  if (v.prefix != 0) return prefix_run(in, op.allow, v.prefix, out);
  return run(in, op.allow | kComma, out);
}

// One defined variable, after the operator's first/separator character.
bool Matcher::variable(const OpInfo& op, const VarSpec& v, const std::uint8_t* in,
                       std::uint8_t* out) const {
  if (v.explode) return exploded(in, op, out);
  if (!op.named) return value(op, v, in, out);
  // `name=value`; `{;x}` writes a bare `;x` for an empty value.
  if (!literal(in, v.name, m1_)) return false;
  bool any = false;
  if (shift(m1_, '=', m2_)) {
    any = value(op, v, m2_, out);
  } else {
    std::fill(out, out + n_ + 1, std::uint8_t{0});
  }
  if (!op.ifemp_equals) any = unite(out, m1_);
  return any;
}

// Each variable is either undefined (skipped) or expanded after `first` (if it is the first
// defined one) or `sep`. in = "nothing written yet"; b_ = "something written".
bool Matcher::expression(const Expression& e, const std::uint8_t* in, std::uint8_t* out) const {
  const OpInfo op = info(e.op);
  std::fill(b_, b_ + n_ + 1, std::uint8_t{0});
  bool written = false;
  for (const VarSpec& v : e.vars) {
    bool starts = false;
    if (op.first != '\0') {
      starts = shift(in, op.first, t_set_);
    } else {
      std::copy(in, in + n_ + 1, t_set_);
      starts = true;
    }
    if (written && shift(b_, op.sep, x_)) starts = unite(t_set_, x_);
    if (starts && variable(op, v, t_set_, x_)) written = unite(b_, x_) || written;
  }
  bool any = false;
  for (std::size_t q = 0; q <= n_; ++q) {
    out[q] = in[q] | b_[q];
    any |= out[q] != 0;
  }
  return any;
}

bool Matcher::match(std::span<const TemplatePart> parts) {
  std::fill(cur_, cur_ + n_ + 1, std::uint8_t{0});
  cur_[0] = 1;
  for (const TemplatePart& part : parts) {
    const bool any = part.is_expression ? expression(part.expression, cur_, next_)
                                        : literal(cur_, part.literal, next_);
    if (!any) return false;
    std::swap(cur_, next_);
    // Parts only move forward: nothing will ever be reachable before the first position
    // reachable now, so the next part scans only the rest of the URI.
    skip(static_cast<std::size_t>(std::find(cur_, cur_ + n_ + 1, std::uint8_t{1}) - cur_));
  }
  return cur_[n_] != 0;
}

void Matcher::skip(std::size_t k) {
  t_.remove_prefix(k);
  n_ -= k;
  for (std::uint8_t** set : {&cur_, &next_, &b_, &t_set_, &x_, &m1_, &m2_})
    *set += k;
  if (counts_ != nullptr) counts_ += k;
}

}  // namespace

std::optional<UriTemplate> UriTemplate::parse(std::string_view text, std::string* error) {
  if (text.size() > kMaxLength) {
    if (error) *error = "URI template longer than " + std::to_string(kMaxLength) + " bytes";
    return std::nullopt;
  }
  UriTemplate tmpl;
  Parser parser(text);
  if (!parser.parse(tmpl.parts_, tmpl.expression_count_, tmpl.variable_count_,
                    tmpl.needs_counts_)) {
    if (error) *error = parser.error();
    return std::nullopt;
  }
  // Kept for as long as a subscription lives: no growth slack.
  tmpl.parts_.shrink_to_fit();
  for (const TemplatePart& part : tmpl.parts_)
    tmpl.literal_bytes_ += part.literal.size();
  tmpl.text_ = std::string(text);
  return tmpl;
}

bool UriTemplate::matches(std::string_view uri) const {
  if (expression_count_ == 0) return uri == text_;
  // A topic shorter than the literals cannot match: rejected before any per-literal work
  // (a long literal costs its length on every match, whatever the topic).
  if (uri.size() < literal_bytes_) return false;
  // Cheap rejections first: most topics fail on the template's fixed head or tail.
  std::span<const TemplatePart> parts = parts_;
  if (!parts.front().is_expression) {
    if (!uri.starts_with(parts.front().literal)) return false;
    uri.remove_prefix(parts.front().literal.size());
    parts = parts.subspan(1);
  }
  if (!parts.back().is_expression && !uri.ends_with(parts.back().literal)) return false;

  Scratch scratch(uri.size(), needs_counts_);
  return Matcher(uri, scratch).match(parts);
}

}  // namespace herald::match
