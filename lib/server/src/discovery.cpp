#include "herald/server/discovery.hpp"

#include <string>

namespace herald::server {

namespace {

// `; name="value"`, as an RFC 9110 quoted-string: '"' and backslash escaped, CR and LF (which
// would split the header) dropped.
void append_attribute(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out += "; ";
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

http::Header mercure_link(std::string_view hub_url, const MercureLinkAttributes& attributes) {
  std::string value;
  value.reserve(hub_url.size() + 18);
  value += '<';
  // '>' would end the URI reference early, and CR/LF would split the header.
  for (char c : hub_url) {
    if (c == '>') {
      value += "%3E";
    } else if (c == '\r' || c == '\n') {
      continue;
    } else {
      value += c;
    }
  }
  value += ">; rel=\"mercure\"";
  append_attribute(value, "last-event-id", attributes.last_event_id);
  append_attribute(value, "type", attributes.type);
  append_attribute(value, "content-type", attributes.content_type);
  return {"Link", std::move(value)};
}

void add_mercure_link(http::Response& response, std::string_view hub_url) {
  response.headers.push_back(mercure_link(hub_url));
}

}  // namespace herald::server
