#pragma once
// One blocking HTTP/1.1 request with a whole response: what `herald pub` and the contract
// test service's callbacks need. No redirects, no connection reuse.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "herald/client/options.hpp"

namespace herald::client {

struct FetchOptions {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // the whole exchange
  std::size_t max_body_bytes = 1 << 20;      // the rest is cut off
  TlsOptions tls;
};

struct FetchResult {
  std::string error;  // not empty: no (complete) response; says why
  int status = 0;
  std::string reason;
  std::string content_type;
  std::string body;

  bool ok() const { return error.empty(); }
};

FetchResult fetch(const FetchOptions& options);

}  // namespace herald::client
