#pragma once
// Keeps, of what history holds, the updates a subscriber would have received live (its
// selectors and the private rule). A replay may hold thousands of updates that name the
// same few topics: each distinct topic is matched against the selectors once, so one
// resume costs distinct topics x selectors, not updates x selectors.
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
  bool topic_matches(std::string_view topic);

  const Subscriber& subscriber_;
  std::unordered_map<std::string_view, bool> topics_;  // topic -> any selector matches
};

}  // namespace herald::hub
