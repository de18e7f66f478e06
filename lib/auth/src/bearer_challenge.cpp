#include "herald/auth/bearer_challenge.hpp"

namespace herald::auth {

namespace {

std::string_view error_name(BearerError error) {
  switch (error) {
    case BearerError::no_token:
      return "";
    case BearerError::invalid_request:
      return "invalid_request";
    case BearerError::invalid_token:
      return "invalid_token";
    case BearerError::insufficient_scope:
      return "insufficient_scope";
  }
  return "";
}

std::string description_text(std::string_view description) {
  std::string out;
  out.reserve(description.size());
  for (char c : description) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"') {
      out += '\'';
    } else if (c == '\\' || byte < 0x20 || byte > 0x7E) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_text(std::string_view url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || byte <= 0x20 || byte > 0x7E) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int status_code(BearerError error) {
  switch (error) {
    case BearerError::invalid_request:
      return 400;
    case BearerError::insufficient_scope:
      return 403;
    case BearerError::no_token:
    case BearerError::invalid_token:
      return 401;
  }
  return 401;
}

BearerError bearer_error(ErrorCode code) {
  return code == ErrorCode::bad_credentials ? BearerError::invalid_request
                                            : BearerError::invalid_token;
}

std::string bearer_challenge(BearerError error, std::string_view description,
                             std::string_view resource_metadata_url) {
  std::string out = "Bearer";
  const char* separator = " ";
  auto attribute = [&](std::string_view name, const std::string& value) {
    out += separator;
    out += name;
    out += "=\"";
    out += value;
    out += '"';
    separator = ", ";
  };
  if (error != BearerError::no_token) {
    attribute("error", std::string(error_name(error)));
    if (!description.empty()) attribute("error_description", description_text(description));
  }
  if (!resource_metadata_url.empty())
    attribute("resource_metadata", url_text(resource_metadata_url));
  return out;
}

}  // namespace herald::auth
