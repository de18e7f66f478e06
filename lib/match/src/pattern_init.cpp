#include "pattern_init.hpp"

namespace herald::match {
namespace {

// "Escape a pattern string": what the base URL contributes is literal text.
std::string escape_pattern_string(std::string_view input) {
  std::string out;
  for (const char c : input) {
    if (std::string_view("+*?:{}()\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// "Is an absolute pathname" for a pattern: "/x", or "\/x" and "{/x" that also start with /.
bool is_absolute_pathname(std::string_view input) {
  if (input.empty()) return false;
  if (input[0] == '/') return true;
  return input.size() >= 2 && (input[0] == '\\' || input[0] == '{') && input[1] == '/';
}

void inherit_from_base(PatternInit& init, const PatternInit& given, const Url& base) {
  // Each component comes from the base only when the pattern names no component before it
  // (username and password never do for patterns).
  if (given.protocol) return;
  init.protocol = escape_pattern_string(base.scheme);
  if (given.hostname) return;
  init.hostname = escape_pattern_string(base.host.value_or(""));
  if (given.port) return;
  init.port = base.port ? std::to_string(*base.port) : "";
  if (given.pathname) return;
  init.pathname = escape_pattern_string(base.pathname());
  if (given.search) return;
  init.search = escape_pattern_string(base.query.value_or(""));
  if (given.hash) return;
  init.hash = escape_pattern_string(base.fragment.value_or(""));
}

}  // namespace

PatternInit resolve_pattern_init(PatternInit init, const Url* base) {
  // "Process protocol/search/hash for init": a component may still carry its delimiter
  // (https://h/x??q: the search pattern "?q" is "q").
  if (init.protocol && init.protocol->ends_with(':')) init.protocol->pop_back();
  if (init.search && init.search->starts_with('?')) init.search->erase(0, 1);
  if (init.hash && init.hash->starts_with('#')) init.hash->erase(0, 1);
  const PatternInit given = init;
  if (base) inherit_from_base(init, given, *base);
  if (base && given.pathname && !base->opaque_path && !is_absolute_pathname(*given.pathname)) {
    // A relative pathname replaces the base path's last segment.
    const std::string base_path = escape_pattern_string(base->pathname());
    const std::size_t slash = base_path.rfind('/');
    if (slash != std::string::npos)
      init.pathname = base_path.substr(0, slash + 1) + *given.pathname;
  }
  for (std::optional<std::string>* component :
       {&init.protocol, &init.username, &init.password, &init.hostname, &init.port, &init.pathname,
        &init.search, &init.hash})
    if (!*component) *component = "*";
  for (const SpecialScheme& scheme : kSpecialSchemes)
    if (*init.protocol == scheme.name && scheme.default_port &&
        *init.port == std::to_string(*scheme.default_port))
      init.port = "";
  return init;
}

}  // namespace herald::match
