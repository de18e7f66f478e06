#include "herald/server/discovery.hpp"

#include <string>

namespace herald::server {

http::Header mercure_link(std::string_view hub_url) {
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
  return {"Link", std::move(value)};
}

void add_mercure_link(http::Response& response, std::string_view hub_url) {
  response.headers.push_back(mercure_link(hub_url));
}

}  // namespace herald::server
