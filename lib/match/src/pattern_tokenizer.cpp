#include "pattern_tokenizer.hpp"

#include "ascii.hpp"
#include "pattern_error.hpp"

namespace herald::match {
namespace {

std::size_t code_point_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

bool is_ascii(char c) {
  return static_cast<unsigned char>(c) < 0x80;
}

bool is_name_start(char c) {
  return is_ascii_alpha(c) || c == '_' || c == '$';
}
bool is_name_part(char c) {
  return is_name_start(c) || is_ascii_digit(c);
}

class Tokenizer {
 public:
  Tokenizer(std::string_view input, TokenizePolicy policy) : input_(input), policy_(policy) {}

  std::vector<Token> run() {
    while (index_ < input_.size()) {
      const char c = input_[index_];
      const std::size_t next = index_ + code_point_length(static_cast<unsigned char>(c));
      switch (c) {
        case '*':
          add(TokenType::asterisk, next, index_, next);
          break;
        case '+':
        case '?':
          add(TokenType::other_modifier, next, index_, next);
          break;
        case '\\':
          escaped(next);
          break;
        case '{':
          add(TokenType::open, next, index_, next);
          break;
        case '}':
          add(TokenType::close, next, index_, next);
          break;
        case ':':
          name(next);
          break;
        case '(':
          regexp(next);
          break;
        default:
          add(TokenType::character, next, index_, next);
          break;
      }
    }
    tokens_.push_back({TokenType::end, index_, ""});
    return std::move(tokens_);
  }

 private:
  // "Add a token": the value is input[value_begin, value_end); tokenizing resumes at `next`.
  void add(TokenType type, std::size_t next, std::size_t value_begin, std::size_t value_end) {
    tokens_.push_back(
        {type, index_, std::string(input_.substr(value_begin, value_end - value_begin))});
    index_ = next;
  }

  // "Process a tokenizing error": the code point at index_ becomes an invalid-char token.
  void error(std::size_t next, const std::string& message) {
    if (policy_ == TokenizePolicy::strict)
      throw PatternError(message + " at offset " + std::to_string(index_));
    add(TokenType::invalid_character, next, index_, next);
  }

  void escaped(std::size_t next) {
    if (next >= input_.size()) return error(next, "trailing backslash");
    const std::size_t after = next + code_point_length(static_cast<unsigned char>(input_[next]));
    add(TokenType::escaped_character, after, next, after);
  }

  // The standard's names are Unicode identifiers, herald's ASCII ones: a non-ASCII code
  // point is read as part of the name, so that the lenient constructor string parser splits
  // where the standard does, and the name is then refused by the strict tokenizer.
  void name(std::size_t next) {
    std::size_t end = next;
    bool ascii = true;
    for (; end < input_.size(); ++end) {
      const char c = input_[end];
      if (!is_ascii(c))
        ascii = false;
      else if (!(end == next ? is_name_start(c) : is_name_part(c)))
        break;
    }
    if (end == next) return error(next, "missing group name after ':'");
    if (!ascii && policy_ == TokenizePolicy::strict)
      return error(next, "group names must be ASCII identifiers");
    add(TokenType::name, end, next, end);
  }

  // A regexp group's body: ASCII only, no capturing groups inside ("(" must open "(?").
  void regexp(std::size_t next) {
    std::size_t depth = 1;
    std::size_t position = next;
    for (; position < input_.size(); ++position) {
      const char c = input_[position];
      if (!is_ascii(c)) return error(next, "regexp groups must be ASCII");
      if (position == next && c == '?') return error(next, "regexp group starting with '?'");
      if (c == '\\') {
        if (position + 1 >= input_.size()) return error(next, "trailing backslash in regexp group");
        if (!is_ascii(input_[position + 1])) return error(next, "regexp groups must be ASCII");
        ++position;
      } else if (c == ')') {
        if (--depth == 0) break;
      } else if (c == '(') {
        ++depth;
        if (position + 1 >= input_.size() || input_[position + 1] != '?')
          return error(next, "capturing group inside a regexp group");
      }
    }
    if (depth != 0) return error(next, "unbalanced regexp group");
    if (position == next) return error(next, "empty regexp group");
    add(TokenType::regexp, position + 1, next, position);
  }

  std::string_view input_;
  TokenizePolicy policy_;
  std::size_t index_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view input, TokenizePolicy policy) {
  return Tokenizer(input, policy).run();
}

}  // namespace herald::match
