#include "herald/server/config.hpp"

namespace herald::server {

namespace {

std::string default_hub_url(const Config& config) {
  if (!config.listen.empty()) return "http://" + config.listen + "/.well-known/mercure";
  return "https://" + config.tls_listen + "/.well-known/mercure";
}

}  // namespace

std::string Config::resource_identifier() const {
  return resource.empty() ? default_hub_url(*this) : resource;
}

std::string Config::hub_url() const {
  const std::string id = resource_identifier();
  if (id.starts_with("http://") || id.starts_with("https://")) return id;
  return default_hub_url(*this);
}

}  // namespace herald::server
