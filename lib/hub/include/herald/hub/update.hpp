#pragma once
// An update as the hub carries it: serialized to SSE bytes once, then shared read-only by
// the history and every subscriber queue (one allocation per event, none per delivery).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace herald::hub {

struct Update {
  std::string id;                   // the event id (given by the publisher or generated)
  std::vector<std::string> topics;  // 1..n topics
  bool is_private = false;          // only for authorized subscribers (Mercure `private`)
  std::uint64_t seq = 0;            // position in this hub's history, assigned on append
  std::string frame;                // the complete SSE bytes: id, event, retry, data, blank
};

using UpdatePtr = std::shared_ptr<const Update>;

}  // namespace herald::hub
