#pragma once
// RFC 6570 URI templates (levels 1-4), parsed once and matched against concrete URIs.
//
// A template matches a URI when some assignment of values to its variables could expand to
// that URI. Values are strings, lists or associative arrays; an undefined variable expands
// to nothing. This is what Mercure 0.x does with yosida95/uritemplate's Regexp(), except
// that here `{?x}` requires the name `x` and `{x:3}` at most 3 characters, as an expansion
// would (Regexp() checks neither). Matching costs O(|uri| * (parts + variables)) with no
// backtracking, so hostile templates and topics cost bounded, predictable work.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match {

// The expression operators of RFC 6570 section 2.2 (`{x}`, `{+x}`, `{#x}`, ...).
enum class Operator : std::uint8_t {
  simple,              // {x}
  reserved,            // {+x}
  fragment,            // {#x}
  label,               // {.x}
  path,                // {/x}
  parameter,           // {;x}
  query,               // {?x}
  query_continuation,  // {&x}
};

// One variable of an expression: `name`, `name:N` (prefix) or `name*` (explode).
struct VarSpec {
  std::string name;
  std::uint16_t prefix = 0;  // 0 = no prefix modifier, else 1..9999 characters
  bool explode = false;
};

struct Expression {
  Operator op = Operator::simple;
  std::vector<VarSpec> vars;  // never empty
};

// A template is literal text and expressions, in order. A literal is copied as-is on
// expansion, so it must match byte for byte.
struct TemplatePart {
  bool is_expression = false;
  std::string literal;    // when !is_expression
  Expression expression;  // when is_expression
};

class UriTemplate {
 public:
  // Bounds on hostile input. Matching costs O(|uri| * parts), so these also bound its work.
  static constexpr std::size_t kMaxLength = 4096;
  static constexpr std::size_t kMaxExpressions = 64;
  static constexpr std::size_t kMaxVariables = 256;
  static constexpr std::uint16_t kMaxPrefix = 9999;  // RFC 6570: max-length < 10000

  // Parses `text`; on failure returns nullopt and, if `error` is non-null, sets it to a
  // message that names the problem and its byte offset.
  static std::optional<UriTemplate> parse(std::string_view text, std::string* error);

  // Whether some expansion of this template equals `uri` exactly.
  bool matches(std::string_view uri) const;

  const std::string& text() const { return text_; }
  const std::vector<TemplatePart>& parts() const { return parts_; }
  std::size_t expression_count() const { return expression_count_; }
  // Variables of every expression (`{a,b}{c}` has 3): with the length, what one match
  // costs, so a server can bound it per subscriber.
  std::size_t variable_count() const { return variable_count_; }

 private:
  UriTemplate() = default;

  std::string text_;
  std::vector<TemplatePart> parts_;
  std::size_t expression_count_ = 0;
  std::size_t variable_count_ = 0;
  // Every literal is copied into each expansion: no shorter URI can match.
  std::size_t literal_bytes_ = 0;
  bool needs_counts_ = false;  // some variable has a prefix modifier
};

}  // namespace herald::match
