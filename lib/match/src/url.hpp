// The parts of the WHATWG URL Standard that URL patterns need: the URL record, the basic
// URL parser (absolute and relative to a base), and the path parsing behind the pathname
// setter. Sans-I/O, std only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match {

// "URL record", with its components already serialized as URLPattern reads them.
struct Url {
  std::string scheme;
  std::string username;
  std::string password;
  std::optional<std::string> host;    // serialized; nullopt when the URL has no host
  std::optional<std::uint16_t> port;  // nullopt for none or the scheme's default port
  bool opaque_path = false;           // "urn:isbn:123": path[0] is the whole opaque path
  std::vector<std::string> path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;

  // "URL path serializer" (the pathname getter).
  std::string pathname() const;
};

// "Special scheme": the schemes with a host and a hierarchical path, and their default ports.
struct SpecialScheme {
  std::string_view name;
  std::optional<std::uint16_t> default_port;
};
inline constexpr std::array<SpecialScheme, 6> kSpecialSchemes{
    {{"ftp", 21}, {"file", std::nullopt}, {"http", 80}, {"https", 443}, {"ws", 80}, {"wss", 443}}};

bool is_special_scheme(std::string_view scheme);

// The special scheme's default port, if it has one.
std::optional<std::uint16_t> default_port(std::string_view scheme);

// "Basic URL parser": `input` absolute, or relative to `base` (which may be null). Returns
// nullopt for anything that is not a valid URL. Windows drive letters in file: URLs get no
// special treatment.
std::optional<Url> parse_url(std::string_view input, const Url* base);

// Appends the segments of `input` to `path` as the "path state" does: percent-encoding
// with the path set and resolving "." and ".." segments (and their %2e spellings).
void append_path_segments(std::string_view input, bool special, std::vector<std::string>& path);

// The pathname of a special URL whose path is set to `input` ("path start state" override).
std::string special_pathname(std::string_view input);

}  // namespace herald::match
