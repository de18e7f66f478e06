#include "regexp_subset.hpp"

#include <string>

#include "ascii.hpp"
#include "pattern_error.hpp"

namespace herald::match {
namespace {

// ECMAScript's SyntaxCharacter plus '/': the only identity escapes the u flag allows.
bool is_syntax_character(char c) {
  return std::string_view("^$\\.*+?()[]{}|/").find(c) != std::string_view::npos;
}

[[noreturn]] void refuse(std::string_view regexp, std::size_t at, const std::string& why) {
  throw PatternError("regexp group '" + std::string(regexp) + "': " + why + " (offset " +
                     std::to_string(at) + "); see docs/MATCH.md for the supported subset");
}

class SubsetChecker {
 public:
  explicit SubsetChecker(std::string_view regexp) : re_(regexp) {}

  void run() {
    while (i_ < re_.size()) {
      const char c = re_[i_];
      switch (c) {
        case '\\':
          escape();
          break;
        case '[':
          character_class();
          break;
        case '(':
          group();
          break;
        case ')':
          advance(Last::atom);
          break;
        case '|':
        case '^':
        case '$':
          advance(Last::nothing);
          break;
        case '*':
        case '+':
        case '?':
          quantifier(1);
          break;
        case '{':
          brace_quantifier();
          break;
        case '}':
        case ']':
          refuse(re_, i_, std::string("unescaped '") + c + "'");
        default:
          advance(Last::atom);
          break;
      }
    }
  }

 private:
  // What came before: only an atom can be quantified, and only a quantifier made lazy.
  enum class Last { nothing, atom, quantifier };

  void advance(Last last, std::size_t by = 1) {
    last_ = last;
    i_ += by;
  }

  void escape() {
    const char d = i_ + 1 < re_.size() ? re_[i_ + 1] : '\0';
    if (!is_syntax_character(d) && std::string_view("dDwW").find(d) == std::string_view::npos)
      refuse(re_, i_, std::string("unsupported escape '\\") + d + "'");
    advance(Last::atom, 2);
  }

  void character_class() {
    const std::size_t start = i_++;
    if (i_ < re_.size() && re_[i_] == '^') ++i_;
    if (i_ < re_.size() && re_[i_] == ']') refuse(re_, start, "empty character class");
    for (; i_ < re_.size() && re_[i_] != ']'; ++i_) {
      if (re_[i_] == '[') refuse(re_, i_, "'[' inside a character class");
      if (re_[i_] == '\\') {
        const char d = i_ + 1 < re_.size() ? re_[i_ + 1] : '\0';
        if (!is_syntax_character(d) && d != '-')
          refuse(re_, i_, std::string("unsupported escape '\\") + d + "' in a character class");
        ++i_;
      }
    }
    if (i_ >= re_.size()) refuse(re_, start, "unterminated character class");
    advance(Last::atom);
  }

  void group() {
    if (re_.substr(i_, 3) != "(?:")
      refuse(re_, i_, "only non-capturing (?:...) groups are supported");
    advance(Last::nothing, 3);
  }

  void quantifier(std::size_t length) {
    if (last_ == Last::quantifier && re_[i_] == '?' && length == 1 && !lazy_seen_) {
      lazy_seen_ = true;
      i_ += 1;
      return;
    }
    if (last_ != Last::atom) refuse(re_, i_, "quantifier with nothing to repeat");
    lazy_seen_ = false;
    advance(Last::quantifier, length);
  }

  // {n}, {n,} or {n,m}; anything else is a literal brace in RE2 but an error in ECMAScript.
  void brace_quantifier() {
    std::size_t j = i_ + 1;
    const auto digits = [&] {
      const std::size_t from = j;
      while (j < re_.size() && is_ascii_digit(re_[j]))
        ++j;
      return j > from;
    };
    bool ok = digits();
    if (ok && j < re_.size() && re_[j] == ',') {
      ++j;
      digits();
    }
    ok = ok && j < re_.size() && re_[j] == '}';
    if (!ok) refuse(re_, i_, "unescaped '{' that is not a quantifier");
    quantifier(j + 1 - i_);
  }

  std::string_view re_;
  std::size_t i_ = 0;
  Last last_ = Last::nothing;
  bool lazy_seen_ = false;
};

}  // namespace

void check_regexp_subset(std::string_view regexp) {
  SubsetChecker(regexp).run();
}

}  // namespace herald::match
