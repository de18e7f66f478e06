#pragma once
// UTF-8 repair for the parser: SSE streams are decoded as UTF-8 with invalid sequences
// replaced by U+FFFD (SSE-SPEC rule 1), exactly as the WHATWG UTF-8 decoder does.
#include <string>
#include <string_view>

namespace herald::wire::detail {

// Appends `in` to `out`, replacing each maximal subpart of an ill-formed sequence with
// U+FFFD (EF BF BD). `in` is a complete unit (a line or a field value): a sequence cut
// short at its end is ill-formed, because the byte after it (CR or LF) is not a
// continuation byte.
void append_utf8_repaired(std::string& out, std::string_view in);

}  // namespace herald::wire::detail
