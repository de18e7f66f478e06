// URL Pattern Standard, "Generate a regular expression and name list", written for RE2.
#pragma once

#include <string>
#include <vector>

#include "pattern_parser.hpp"

namespace herald::match {

// The regular expression (RE2 syntax) a component's value must match in full. Custom
// regexp groups are checked against the supported subset first (PatternError otherwise).
std::string generate_regexp(const std::vector<Part>& parts, const PatternOptions& options);

}  // namespace herald::match
