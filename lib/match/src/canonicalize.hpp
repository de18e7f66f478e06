// URL Pattern Standard, "Canonicalization": the encoding callbacks that turn the literal
// text of each component's pattern into the form the URL parser gives a topic's component.
// Each throws PatternError when the text cannot appear in that component.
#pragma once

#include <string>
#include <string_view>

namespace herald::match::canonicalize {

// Scheme characters only, lower-cased.
std::string protocol(std::string_view value);
std::string username(std::string_view value);
std::string password(std::string_view value);
// A special URL's host (lower-cased domain or IPv4); characters no host may hold refused.
std::string hostname(std::string_view value);
// Text of a bracketed IPv6 hostname pattern: hex digits, ':' and brackets, lower-cased.
std::string ipv6_hostname(std::string_view value);
// Decimal digits up to 65535, without leading zeros.
std::string port(std::string_view value);
// A special URL's path (dot segments resolved, the path percent-encode set).
std::string pathname(std::string_view value);
// A non-special URL's path: opaque (urn:isbn:...: C0 controls and non-ASCII
// percent-encoded) or, when it starts with '/', hierarchical.
std::string opaque_pathname(std::string_view value);
// The query, with the special-query percent-encode set (' is %27) whatever the scheme,
// as the reference implementation does for patterns and topics alike.
std::string search(std::string_view value);
std::string hash(std::string_view value);

}  // namespace herald::match::canonicalize
