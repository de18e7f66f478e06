#include "late_response.hpp"

#include <boost/asio/post.hpp>

namespace herald::http {

void PostedLateResponse::respond(Response response) {
  if (responded_.exchange(true, std::memory_order_acq_rel) || !deliver_) return;
  boost::asio::post(io_, [deliver = std::move(deliver_), response = std::move(response)]() mutable {
    deliver(std::move(response));
  });
}

}  // namespace herald::http
