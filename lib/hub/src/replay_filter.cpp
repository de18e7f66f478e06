#include "herald/hub/replay_filter.hpp"

#include <algorithm>

namespace herald::hub {

bool ReplayFilter::topic_matches(std::string_view topic) {
  auto [it, inserted] = topics_.try_emplace(topic, false);
  if (!inserted) return it->second;
  const std::vector<match::Selector>& selectors = subscriber_.selectors();
  it->second = std::any_of(selectors.begin(), selectors.end(),
                           [topic](const match::Selector& s) { return s.matches(topic); });
  return it->second;
}

bool ReplayFilter::wants(const Update& update) {
  if (update.is_private && !subscriber_.may_receive_private(update)) return false;
  return std::any_of(update.topics.begin(), update.topics.end(),
                     [this](const std::string& topic) { return topic_matches(topic); });
}

}  // namespace herald::hub
