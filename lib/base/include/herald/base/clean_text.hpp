#pragma once
// The Mercure draft's value constraints on topics, matchers, ids and event types
// ("Terminology"): no C0 or C1 control characters, no DEL, no Unicode format characters (Cf:
// bidirectional and zero-width controls), which are invisible and enable identifier spoofing.
#include <string_view>

namespace herald {

// Whether `utf8` (already valid UTF-8) is free of those characters.
bool is_clean_text(std::string_view utf8);

}  // namespace herald
