#include "hub_url.hpp"

#include "herald/base/form.hpp"

namespace herald::app {

namespace {

constexpr std::string_view endpoint_path = "/.well-known/mercure";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `url` with `name=value` appended for each value, form-encoded.
void append_params(std::string& url, std::string_view name,
                   const std::vector<std::string>& values) {
  for (const auto& value : values) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += name;
    url += '=';
    url += form::encode(value);
  }
}

}  // namespace

std::optional<client::Url> mercure_endpoint(std::string_view text, std::string& error) {
  auto url = client::parse_url(text, &error);
  if (!url) return std::nullopt;
  const auto q = url->target.find('?');
  std::string path = url->target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : url->target.substr(q);
  if (!ends_with(path, endpoint_path)) {
    while (!path.empty() && path.back() == '/')
      path.pop_back();
    path += endpoint_path;
  }
  url->target = path + query;
  return url;
}

std::string with_topics(const client::Url& url, const std::vector<std::string>& topics) {
  std::string out = url.str();
  bool has_query = url.target.find('?') != std::string::npos;
  for (const auto& topic : topics) {
    out += has_query ? '&' : '?';
    out += "topic=" + client::percent_encode(topic);
    has_query = true;
  }
  return out;
}

std::optional<std::string> subscription_url(std::string_view text, const Selectors& selectors,
                                            std::string& error) {
  if (selectors.empty()) {
    if (!client::parse_url(text, &error)) return std::nullopt;
    return std::string(text);
  }
  const auto endpoint = mercure_endpoint(text, error);
  if (!endpoint) return std::nullopt;
  if (!selectors.v1()) return with_topics(*endpoint, selectors.topics);
  std::string url = endpoint->str();
  append_params(url, "match", selectors.matches);
  append_params(url, "match_urlpattern", selectors.url_patterns);
  if (!selectors.last_event_id.empty())
    append_params(url, "last_event_id", {selectors.last_event_id});
  return url;
}

}  // namespace herald::app
