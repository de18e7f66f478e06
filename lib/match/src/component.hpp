// URL Pattern Standard, "Compile a component": one component's pattern string compiled to
// one RE2 program, matched in time linear in the component's length.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "pattern_parser.hpp"

namespace re2 {
class RE2;
}

namespace herald::match {

class Component {
 public:
  // Throws PatternError (syntax, canonicalization, unsupported regexp, or a program larger
  // than `max_memory` bytes).
  Component(std::string_view pattern, const EncodingCallback& encode, const PatternOptions& options,
            std::int64_t max_memory);
  ~Component();  // out of line: re2::RE2 is incomplete here

  // RE2 full match of a canonical component value.
  bool matches(std::string_view value) const;

  // "Protocol component matches a special scheme": does any special scheme match?
  bool matches_special_scheme() const;

  // Named, numbered and wildcard groups: what the per-pattern group limit counts.
  std::size_t group_count() const { return group_count_; }

 private:
  enum class Shape { regexp, anything, empty };
  Shape shape_ = Shape::regexp;
  std::unique_ptr<const re2::RE2> regexp_;  // for Shape::regexp only
  std::size_t group_count_ = 0;
};

}  // namespace herald::match
