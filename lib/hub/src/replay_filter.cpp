#include "herald/hub/replay_filter.hpp"

#include <algorithm>

namespace herald::hub {

bool ReplayFilter::topic_matches(std::string_view topic) {
  auto [it, inserted] = topics_.try_emplace(topic, false);
  if (!inserted) return it->second;
  const std::vector<Selector>& selectors = subscriber_.selectors();
  it->second = std::any_of(selectors.begin(), selectors.end(),
                           [topic](const Selector& s) { return s.matches(topic); });
  return it->second;
}

bool ReplayFilter::wants(const Update& update) {
  if (update.is_private && !subscriber_.may_receive_private(update)) return false;
  return std::any_of(update.topics.begin(), update.topics.end(),
                     [this](const std::string& topic) { return topic_matches(topic); });
}

void keep_wanted(const Subscriber& subscriber, std::vector<UpdatePtr>& replay) {
  // Every update stays referenced by `replay` until the filter is done: its memo views
  // their topics, and history may drop them meanwhile (the hub's lock is not held).
  ReplayFilter filter(subscriber);
  std::vector<UpdatePtr> wanted;
  for (const UpdatePtr& u : replay) {
    if (filter.wants(*u)) wanted.push_back(u);
  }
  replay.swap(wanted);
}

}  // namespace herald::hub
