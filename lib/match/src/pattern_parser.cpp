#include "pattern_parser.hpp"

#include <algorithm>
#include <optional>

#include "pattern_error.hpp"
#include "pattern_tokenizer.hpp"

namespace herald::match {
namespace {

Modifier modifier_of(const std::optional<Token>& token) {
  if (!token) return Modifier::none;
  if (token->value == "?") return Modifier::optional;
  if (token->value == "*") return Modifier::zero_or_more;
  return Modifier::one_or_more;
}

class Parser {
 public:
  Parser(std::string_view input, const PatternOptions& options, const EncodingCallback& encode)
      : tokens_(tokenize(input, TokenizePolicy::strict)),
        options_(options),
        encode_(encode),
        segment_wildcard_(segment_wildcard_regexp(options)) {}

  std::vector<Part> run() {
    while (index_ < tokens_.size()) {
      const auto char_token = try_consume(TokenType::character);
      const auto name_token = try_consume(TokenType::name);
      const auto regexp_or_wildcard = try_consume_regexp_or_wildcard(name_token);
      if (name_token || regexp_or_wildcard) {
        std::string prefix = char_token ? char_token->value : "";
        if (!prefix.empty() && prefix != options_.prefix) {
          pending_fixed_value_ += prefix;
          prefix.clear();
        }
        maybe_add_part_from_pending_fixed_value();
        const auto modifier = try_consume_modifier();
        add_part(prefix, name_token, regexp_or_wildcard, "", modifier);
        continue;
      }
      auto fixed = char_token ? char_token : try_consume(TokenType::escaped_character);
      if (fixed) {
        pending_fixed_value_ += fixed->value;
        continue;
      }
      if (try_consume(TokenType::open)) {
        const std::string prefix = consume_text();
        const auto name = try_consume(TokenType::name);
        const auto regexp = try_consume_regexp_or_wildcard(name);
        const std::string suffix = consume_text();
        consume_required(TokenType::close, "'}'");
        const auto modifier = try_consume_modifier();
        add_part(prefix, name, regexp, suffix, modifier);
        continue;
      }
      maybe_add_part_from_pending_fixed_value();
      consume_required(TokenType::end, "the end of the pattern");
    }
    return std::move(parts_);
  }

 private:
  std::optional<Token> try_consume(TokenType type) {
    if (index_ >= tokens_.size() || tokens_[index_].type != type) return std::nullopt;
    return tokens_[index_++];
  }

  void consume_required(TokenType type, const char* what) {
    if (try_consume(type)) return;
    const Token& token = tokens_[index_];
    throw PatternError("unexpected '" + token.value + "' at offset " + std::to_string(token.index) +
                       ", expected " + what);
  }

  std::optional<Token> try_consume_modifier() {
    if (auto token = try_consume(TokenType::other_modifier)) return token;
    return try_consume(TokenType::asterisk);
  }

  // A '*' right after a name is that name's modifier, not a wildcard.
  std::optional<Token> try_consume_regexp_or_wildcard(const std::optional<Token>& name) {
    if (auto token = try_consume(TokenType::regexp)) return token;
    if (name) return std::nullopt;
    return try_consume(TokenType::asterisk);
  }

  std::string consume_text() {
    std::string text;
    for (;;) {
      auto token = try_consume(TokenType::character);
      if (!token) token = try_consume(TokenType::escaped_character);
      if (!token) return text;
      text += token->value;
    }
  }

  void maybe_add_part_from_pending_fixed_value() {
    if (pending_fixed_value_.empty()) return;
    Part part;
    part.value = encode_(pending_fixed_value_);
    pending_fixed_value_.clear();
    parts_.push_back(std::move(part));
  }

  void add_part(const std::string& prefix, const std::optional<Token>& name_token,
                const std::optional<Token>& regexp_or_wildcard, const std::string& suffix,
                const std::optional<Token>& modifier_token) {
    const Modifier modifier = modifier_of(modifier_token);
    if (!name_token && !regexp_or_wildcard && modifier == Modifier::none) {
      pending_fixed_value_ += prefix;
      return;
    }
    maybe_add_part_from_pending_fixed_value();
    if (!name_token && !regexp_or_wildcard) {
      // A group of literal text with a modifier: {abc}?
      if (prefix.empty()) return;
      Part part;
      part.value = encode_(prefix);
      part.modifier = modifier;
      parts_.push_back(std::move(part));
      return;
    }
    Part part;
    part.modifier = modifier;
    std::string regexp_value;
    if (!regexp_or_wildcard)
      regexp_value = segment_wildcard_;
    else if (regexp_or_wildcard->type == TokenType::asterisk)
      regexp_value = kFullWildcardRegexp;
    else
      regexp_value = regexp_or_wildcard->value;
    if (regexp_value == segment_wildcard_) {
      part.type = PartType::segment_wildcard;
    } else if (regexp_value == kFullWildcardRegexp) {
      part.type = PartType::full_wildcard;
    } else {
      part.type = PartType::regexp;
      part.value = std::move(regexp_value);
    }
    part.name = name_token ? name_token->value : std::to_string(next_numeric_name_++);
    if (std::any_of(parts_.begin(), parts_.end(),
                    [&](const Part& p) { return p.name == part.name; }))
      throw PatternError("duplicate group name '" + part.name + "'");
    part.prefix = encode_(prefix);
    part.suffix = encode_(suffix);
    parts_.push_back(std::move(part));
  }

  std::vector<Token> tokens_;
  const PatternOptions& options_;
  const EncodingCallback& encode_;
  const std::string segment_wildcard_;
  std::vector<Part> parts_;
  std::string pending_fixed_value_;
  std::size_t index_ = 0;
  unsigned next_numeric_name_ = 0;
};

}  // namespace

std::vector<Part> parse_pattern_string(std::string_view input, const PatternOptions& options,
                                       const EncodingCallback& encode) {
  return Parser(input, options, encode).run();
}

std::string segment_wildcard_regexp(const PatternOptions& options) {
  return "[^" + escape_regexp_string(options.delimiter) + "]+?";
}

std::string escape_regexp_string(std::string_view input) {
  std::string out;
  for (const char c : input) {
    if (std::string_view(".+*?^${}()[]|/\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace herald::match
