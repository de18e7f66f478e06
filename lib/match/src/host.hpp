// Host parsing and serialization (WHATWG URL Standard, "Hosts (domains and IP addresses)").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::match {

// The host parser for special URLs (http, https, ws, wss, ftp, file), returning the host
// serialized: an ASCII domain lower-cased, an IPv4 address in dotted decimal (whatever form
// it was written in: 0x7f.1 is 127.0.0.1), or a bracketed, compressed IPv6 address.
// Internationalized domains need IDNA (UTS #46) mapping, which herald does not carry: a
// domain with a non-ASCII code point is refused (nullopt), as are invalid hosts.
std::optional<std::string> parse_special_host(std::string_view input);

// The host parser for non-special URLs: an IPv6 address in brackets, or an opaque host
// (forbidden host code points refused, the rest percent-encoded as C0 controls).
std::optional<std::string> parse_opaque_host(std::string_view input);

}  // namespace herald::match
