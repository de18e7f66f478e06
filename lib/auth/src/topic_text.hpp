#pragma once
// The draft's value constraints on topics and topic matchers ("Terminology"): no C0 or C1
// control characters, no DEL, no Unicode format characters (Cf: bidirectional and
// zero-width controls), which are invisible and enable identifier spoofing.
#include <string_view>

namespace herald::auth {

// Whether `utf8` (already valid UTF-8) is free of those characters.
bool is_clean_topic_text(std::string_view utf8);

}  // namespace herald::auth
