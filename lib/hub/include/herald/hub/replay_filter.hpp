#pragma once
// Keeps, of what history holds, the updates a subscriber would have received live (its
// selectors and the private rule). A replay may hold thousands of updates that name the
// same few topics: each distinct topic is matched against the selectors, and against the
// private grants, once, so one resume costs distinct topics x selectors, not updates x
// selectors.
//
// It evaluates directly rather than through the shard's per-topic cache (Fanout): the
// replaying subscriber is not in the fan-out yet, so its grants are not indexed there,
// and the memo below already bounds the work to one evaluation per distinct topic.
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "herald/hub/subscriber.hpp"
#include "herald/hub/update.hpp"

namespace herald::hub {

class ReplayFilter {
 public:
  explicit ReplayFilter(const Subscriber& subscriber) : subscriber_(subscriber) {}

  // Whether the subscriber wants `update`. The update must outlive the filter: the memo
  // keys view its topics (a ReplaySnapshot keeps them alive).
  bool wants(const Update& update);

 private:
  enum class Granted : std::uint8_t { unknown, no, yes };  // asked of private updates only
  struct Verdict {
    bool routed = false;                 // one of the selectors matches the topic
    Granted granted = Granted::unknown;  // one of the private grants matches it
  };
  Verdict& verdict(std::string_view topic);
  bool granted(std::string_view topic);
  // The rule Fanout applies live: one of the update's topics matches a private grant.
  bool may_receive_private(const Update& update);

  const Subscriber& subscriber_;
  std::unordered_map<std::string_view, Verdict> topics_;
};

}  // namespace herald::hub
