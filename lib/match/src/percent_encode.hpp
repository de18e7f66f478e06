// Percent-encoding as the WHATWG URL Standard defines it ("Percent-encoded bytes"): the
// encode sets that decide which bytes of a URL component are escaped, and decoding.
#pragma once

#include <string>
#include <string_view>

namespace herald::match {

// The URL Standard's nested percent-encode sets, each a superset of the one before it.
enum class EncodeSet {
  c0_control,     // opaque paths and opaque hosts
  fragment,       // the fragment
  query,          // the query of a non-special URL
  special_query,  // the query of a special URL (adds ')
  path,           // path segments
  userinfo,       // username and password
};

// UTF-8 percent-encodes every byte of `input` that is in `set`.
std::string percent_encode(std::string_view input, EncodeSet set);

// Percent-decodes `input` ("percent-decode" in the URL Standard: malformed escapes are kept
// as they are).
std::string percent_decode(std::string_view input);

}  // namespace herald::match
