#pragma once
// The LateResponse both protocols hand out: a first-call-wins flag and the hop to the
// connection's shard. What answering means (which connection, which stream) is the
// protocol's `deliver`, which finds its connection through a weak pointer once on the
// shard, so nothing of the connection is touched from another thread.
#include <atomic>
#include <functional>

#include <boost/asio/io_context.hpp>

#include "herald/http/server.hpp"

namespace herald::http {

class PostedLateResponse final : public LateResponse {
 public:
  using Deliver = std::function<void(Response)>;

  // `deliver` runs at most once, on `io`'s thread. Empty: the exchange was answered
  // already, and respond() does nothing.
  PostedLateResponse(boost::asio::io_context& io, Deliver deliver)
      : io_(io), deliver_(std::move(deliver)) {}

  void respond(Response response) override;

 private:
  boost::asio::io_context& io_;
  Deliver deliver_;  // only the first respond() reads it
  std::atomic<bool> responded_{false};
};

}  // namespace herald::http
