// libFuzzer target for URL patterns (lib/match): the constructor string parser, tokenizer,
// pattern parser, regexp subset check, RE2 compilation and the URL parser behind matching;
// and the reserved-namespace check of publication, which resolves topics with that parser.
//
// Input: "<pattern>\n<topic>" (no newline: the topic is the pattern's own text). When the
// first byte is odd, relative patterns and topics resolve against a hub URL. Checked:
//   - compiling never crashes, and a refusal always says why;
//   - matching never crashes and answers the same twice (the compiled pattern is immutable);
//   - the reserved-namespace check never crashes, and a plain path under the hub's (letters,
//     digits, '-', '_', '/' only) is always reserved.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "herald/match/reserved_path.hpp"
#include "herald/match/url_pattern.hpp"

namespace {

using herald::match::UrlPattern;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_url_pattern: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view base =
      !input.empty() && (data[0] & 1) ? "https://hub.example.com/.well-known/mercure" : "";
  const std::size_t newline = input.find('\n');
  const std::string_view pattern = input.substr(0, newline);
  const std::string_view topic =
      newline == std::string_view::npos ? pattern : input.substr(newline + 1);

  static const herald::match::ReservedPath hub("https://hub.example.com/.well-known/mercure");
  const bool reserved = hub.addressed_by(topic);
  constexpr std::string_view hub_path = "/.well-known/mercure/";
  if (topic.starts_with(hub_path) &&
      topic.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/",
                              hub_path.size()) == std::string_view::npos) {
    check(reserved, "a plain path under the hub's is not reserved");
  }

  std::string error;
  const auto compiled = UrlPattern::compile(pattern, base, &error);
  if (!compiled) {
    check(!error.empty(), "a refusal without a reason");
    return 0;
  }
  const bool first = compiled->matches(topic);
  check(first == compiled->matches(topic), "two answers for one topic");
  return 0;
}
