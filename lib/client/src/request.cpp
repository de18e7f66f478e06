#include "herald/client/request.hpp"

#include "herald/base/strings.hpp"

namespace herald::client {

namespace {

bool has(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return true;
  }
  return false;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool valid_header(std::string_view name, std::string_view value, std::string* error) {
  if (name.empty()) {
    if (error != nullptr) *error = "empty header name";
    return false;
  }
  for (const char c : name) {
    if (!is_token_char(c)) {
      if (error != nullptr) *error = "bad character in header name '" + std::string(name) + "'";
      return false;
    }
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    if (error != nullptr)
      *error = "CR, LF or NUL in the value of header '" + std::string(name) + "'";
    return false;
  }
  return true;
}

std::vector<Header> request_fields(std::string_view method, const std::vector<Header>& defaults,
                                   const std::vector<Header>& headers, std::string_view body) {
  std::vector<Header> out;
  out.reserve(defaults.size() + headers.size() + 2);
  for (const auto& h : defaults) {
    if (!has(headers, h.name)) out.push_back(h);
  }
  for (const auto& h : headers) {
    if (!iequals(h.name, "Host") && !iequals(h.name, "Content-Length")) out.push_back(h);
  }
  const bool body_expected = method == "POST" || method == "PUT" || method == "PATCH";
  if (!body.empty() || body_expected) {
    if (!body.empty() && !has(headers, "Content-Type")) {
      out.push_back({"Content-Type", "text/plain; charset=utf-8"});
    }
    out.push_back({"Content-Length", std::to_string(body.size())});
  }
  return out;
}

std::string build_request(const Url& url, std::string_view method,
                          const std::vector<Header>& defaults, const std::vector<Header>& headers,
                          std::string_view body) {
  std::string out;
  out.reserve(256 + body.size());
  out.append(method);
  out.push_back(' ');
  out.append(url.target);
  out.append(" HTTP/1.1\r\n");
  append_header(out, "Host", url.authority());
  for (const auto& h : request_fields(method, defaults, headers, body)) {
    append_header(out, h.name, h.value);
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

std::vector<Header> event_stream_headers(std::string_view last_event_id,
                                         const std::vector<Header>& cookies) {
  std::vector<Header> out{{"Accept", "text/event-stream"},
                          {"Cache-Control", "no-cache"},
                          {"User-Agent", "herald-client/0.1"}};
  if (!last_event_id.empty()) out.push_back({"Last-Event-ID", std::string(last_event_id)});
  if (!cookies.empty()) {
    std::string cookie;
    for (const auto& c : cookies) {
      if (!cookie.empty()) cookie += "; ";
      cookie += c.name + "=" + c.value;
    }
    out.push_back({"Cookie", std::move(cookie)});
  }
  return out;
}

}  // namespace herald::client
