#pragma once
// One request and its response, whatever carries it: an HTTP/1.1 connection of its own or
// a stream on an HTTP/2 connection. EventSource::Impl drives only this, so the connection
// machine and the SSE parser work the same over both.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/client/error.hpp"
#include "herald/client/options.hpp"
#include "herald/client/url.hpp"

namespace herald::client::detail {

struct ExchangeRequest {
  Url url;
  std::string method;
  std::vector<Header> defaults;  // replaced by a header of the same name in `headers`
  std::vector<Header> headers;
  std::string body;
};

// What the response head says that the connection machine looks at.
struct ExchangeHead {
  int status = 0;
  std::string content_type;
  std::string location;
};

struct ExchangeEnd {
  enum class How {
    complete,  // the response ended as its framing says (END_STREAM, last chunk, close)
    cut,       // the response stopped short of its framing; `message` says how
    failed,    // no response, or the connection broke: `kind` (network or tls), `message`
  };
  How how = How::complete;
  ErrorKind kind = ErrorKind::network;
  std::string message;
  bool fatal = false;  // retrying cannot help (a certificate that does not verify)
};

// What an exchange reports, in order: head at most once, body bytes (valid during the call
// only), end once. Nothing after cancel(); a handler may call cancel().
struct ExchangeEvents {
  std::function<void(const ExchangeHead&)> head;
  std::function<void(std::string_view)> body;
  std::function<void(const ExchangeEnd&)> end;
};

class Exchange {
 public:
  virtual ~Exchange() = default;
  // Stops at once: the HTTP/1.1 connection is closed, the HTTP/2 stream reset.
  virtual void cancel() = 0;
};

}  // namespace herald::client::detail
