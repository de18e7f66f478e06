#include "herald/sse/sse.hpp"

#include <memory>
#include <string>

#include "herald/wire/serializer.hpp"

namespace herald::sse {

std::vector<http::Header> sse_headers() {
  return {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
}

bool send_event(http::StreamSink& sink, const wire::Event& event) {
  auto bytes = std::make_shared<std::string>();
  if (wire::serialize(event, *bytes) != wire::SerializeError::none) return false;
  sink.write({bytes, *bytes});
  sink.flush();
  return true;
}

}  // namespace herald::sse
