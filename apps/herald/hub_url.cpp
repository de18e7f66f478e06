#include "hub_url.hpp"

namespace herald::app {

namespace {

constexpr std::string_view endpoint_path = "/.well-known/mercure";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
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

std::optional<std::string> subscription_url(std::string_view text,
                                            const std::vector<std::string>& topics,
                                            std::string& error) {
  if (topics.empty()) {
    if (!client::parse_url(text, &error)) return std::nullopt;
    return std::string(text);
  }
  const auto endpoint = mercure_endpoint(text, error);
  if (!endpoint) return std::nullopt;
  return with_topics(*endpoint, topics);
}

}  // namespace herald::app
