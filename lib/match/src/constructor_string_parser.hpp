// URL Pattern Standard, "Constructor string parsing": splits a pattern written as one
// string ("https://:host.example.com/books/:id?*") into its component patterns.
#pragma once

#include <string_view>

#include "pattern_init.hpp"

namespace herald::match {

// Lenient: syntax errors surface when each component is compiled. Throws PatternError only
// when the protocol pattern itself cannot compile.
PatternInit parse_constructor_string(std::string_view input);

}  // namespace herald::match
