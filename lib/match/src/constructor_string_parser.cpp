#include "constructor_string_parser.hpp"

#include <vector>

#include "canonicalize.hpp"
#include "component.hpp"
#include "herald/match/url_pattern.hpp"
#include "pattern_tokenizer.hpp"

namespace herald::match {
namespace {

enum class State {
  init,
  protocol,
  authority,
  username,
  password,
  hostname,
  port,
  pathname,
  search,
  hash,
  done
};

class ConstructorStringParser {
 public:
  explicit ConstructorStringParser(std::string_view input)
      : input_(input), tokens_(tokenize(input, TokenizePolicy::lenient)) {}

  PatternInit run() {
    for (; index_ < tokens_.size(); index_ += increment_) {
      increment_ = 1;
      if (tokens_[index_].type == TokenType::end) {
        if (state_ == State::init) {
          // No protocol: the whole string is a pathname, search or hash (a relative pattern).
          rewind();
          if (is_hash_prefix())
            change_state(State::hash, 1);
          else if (is_search_prefix())
            change_state(State::search, 1);
          else
            change_state(State::pathname, 0);
          continue;
        }
        if (state_ == State::authority) {
          rewind_and_set_state(State::hostname);
          continue;
        }
        change_state(State::done, 0);
        break;
      }
      if (group_depth_ > 0) {
        // Inside {...} nothing is a component boundary.
        if (tokens_[index_].type == TokenType::close)
          --group_depth_;
        else
          continue;
      }
      if (tokens_[index_].type == TokenType::open) {
        ++group_depth_;
        continue;
      }
      step();
    }
    if (result_.hostname && !result_.port) result_.port = "";
    return std::move(result_);
  }

 private:
  void step() {
    switch (state_) {
      case State::init:
        if (is_char(index_, ":")) rewind_and_set_state(State::protocol);
        break;
      case State::protocol:
        if (is_char(index_, ":")) {
          compute_protocol_matches_special_scheme();
          State next = State::pathname;
          std::size_t skip = 1;
          if (is_char(index_ + 1, "/") && is_char(index_ + 2, "/")) {
            next = State::authority;
            skip = 3;
          } else if (protocol_matches_special_scheme_) {
            next = State::authority;
          }
          change_state(next, skip);
        }
        break;
      case State::authority:
        if (is_char(index_, "@"))
          rewind_and_set_state(State::username);
        else if (is_char(index_, "/") || is_search_prefix() || is_hash_prefix())
          rewind_and_set_state(State::hostname);
        break;
      case State::username:
        if (is_char(index_, ":"))
          change_state(State::password, 1);
        else if (is_char(index_, "@"))
          change_state(State::hostname, 1);
        break;
      case State::password:
        if (is_char(index_, "@")) change_state(State::hostname, 1);
        break;
      case State::hostname:
        if (is_char(index_, "["))
          ++ipv6_bracket_depth_;
        else if (is_char(index_, "]"))
          --ipv6_bracket_depth_;
        else if (is_char(index_, ":") && ipv6_bracket_depth_ == 0)
          change_state(State::port, 1);
        else
          after_host();
        break;
      case State::port:
        after_host();
        break;
      case State::pathname:
        if (is_search_prefix())
          change_state(State::search, 1);
        else if (is_hash_prefix())
          change_state(State::hash, 1);
        break;
      case State::search:
        if (is_hash_prefix()) change_state(State::hash, 1);
        break;
      case State::hash:
      case State::done:
        break;
    }
  }

  // After a hostname or port: a pathname, search or hash starts.
  void after_host() {
    if (is_char(index_, "/"))
      change_state(State::pathname, 0);
    else if (is_search_prefix())
      change_state(State::search, 1);
    else if (is_hash_prefix())
      change_state(State::hash, 1);
  }

  // "Get a safe token": past the end is the end token.
  const Token& safe_token(std::size_t index) const {
    return index < tokens_.size() ? tokens_[index] : tokens_.back();
  }

  // "Is a non-special pattern char": the literal character, not a pattern token.
  bool is_char(std::size_t index, std::string_view value) const {
    const Token& token = safe_token(index);
    return token.value == value &&
           (token.type == TokenType::character || token.type == TokenType::escaped_character ||
            token.type == TokenType::invalid_character);
  }

  bool is_hash_prefix() const { return is_char(index_, "#"); }

  // '?' starts the search unless it is a modifier of the group before it (":id?").
  bool is_search_prefix() const {
    if (is_char(index_, "?")) return true;
    if (tokens_[index_].value != "?") return false;
    if (index_ == 0) return true;
    const TokenType previous = tokens_[index_ - 1].type;
    return previous != TokenType::name && previous != TokenType::regexp &&
           previous != TokenType::close && previous != TokenType::asterisk;
  }

  std::string component_string() const {
    const std::size_t begin = safe_token(component_start_).index;
    return std::string(input_.substr(begin, tokens_[index_].index - begin));
  }

  std::optional<std::string>* slot(State state) {
    switch (state) {
      case State::protocol:
        return &result_.protocol;
      case State::username:
        return &result_.username;
      case State::password:
        return &result_.password;
      case State::hostname:
        return &result_.hostname;
      case State::port:
        return &result_.port;
      case State::pathname:
        return &result_.pathname;
      case State::search:
        return &result_.search;
      case State::hash:
        return &result_.hash;
      default:
        return nullptr;
    }
  }

  static bool in(State s, std::initializer_list<State> states) {
    for (const State candidate : states)
      if (s == candidate) return true;
    return false;
  }

  void change_state(State new_state, std::size_t skip) {
    if (auto* component = slot(state_)) *component = component_string();
    if (state_ != State::init && new_state != State::done) {
      // Components skipped over between two given ones are empty, not wildcards.
      using enum State;
      if (in(state_, {protocol, authority, username, password}) &&
          in(new_state, {port, pathname, search, hash}) && !result_.hostname)
        result_.hostname = "";
      if (in(state_, {protocol, authority, username, password, hostname, port}) &&
          in(new_state, {search, hash}) && !result_.pathname)
        result_.pathname = protocol_matches_special_scheme_ ? "/" : "";
      if (in(state_, {protocol, authority, username, password, hostname, port, pathname}) &&
          new_state == hash && !result_.search)
        result_.search = "";
    }
    state_ = new_state;
    index_ += skip;
    component_start_ = index_;
    increment_ = 0;
  }

  void rewind() {
    index_ = component_start_;
    increment_ = 0;
  }

  void rewind_and_set_state(State state) {
    rewind();
    state_ = state;
  }

  void compute_protocol_matches_special_scheme() {
    const Component protocol(component_string(), canonicalize::protocol, PatternOptions{},
                             UrlPattern::kMaxRegexpMemory);
    protocol_matches_special_scheme_ = protocol.matches_special_scheme();
  }

  std::string_view input_;
  std::vector<Token> tokens_;
  PatternInit result_;
  std::size_t component_start_ = 0;
  std::size_t index_ = 0;
  std::size_t increment_ = 1;
  std::size_t group_depth_ = 0;
  int ipv6_bracket_depth_ = 0;  // may go negative, as in the standard
  bool protocol_matches_special_scheme_ = false;
  State state_ = State::init;
};

}  // namespace

PatternInit parse_constructor_string(std::string_view input) {
  return ConstructorStringParser(input).run();
}

}  // namespace herald::match
