#pragma once
// Protocol-neutral requests and responses: HTTP/1.1 today, HTTP/2 later, same handlers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;
  std::string target;  // as sent: path plus optional ?query
  std::vector<Header> headers;
  std::string body;
  std::uint64_t connection_id = 0;
  std::size_t shard = 0;  // the worker shard this request (and its stream) lives on

  std::string_view path() const;
  std::string_view query() const;  // without the '?'
  // The first header of that name (case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<Header> headers;

  // A plain-text answer; a trailing newline is added so curl output reads well.
  static Response text(int status, std::string_view message);
};

}  // namespace herald::http
