#include "herald/hub/replay_filter.hpp"

#include <algorithm>

namespace herald::hub {

ReplayFilter::Verdict& ReplayFilter::verdict(std::string_view topic) {
  auto [it, inserted] = topics_.try_emplace(topic);
  if (inserted) {
    const std::vector<match::Selector>& selectors = subscriber_.selectors();
    it->second.routed = std::any_of(selectors.begin(), selectors.end(),
                                    [topic](const match::Selector& s) { return s.matches(topic); });
  }
  return it->second;
}

bool ReplayFilter::granted(std::string_view topic) {
  Verdict& v = verdict(topic);
  if (v.granted == Granted::unknown) {
    const match::SelectorSet* grants = subscriber_.private_grants();
    v.granted = grants != nullptr && grants->matches(topic) ? Granted::yes : Granted::no;
  }
  return v.granted == Granted::yes;
}

bool ReplayFilter::may_receive_private(const Update& update) {
  return std::any_of(update.topics.begin(), update.topics.end(),
                     [this](const std::string& topic) { return granted(topic); });
}

bool ReplayFilter::wants(const Update& update) {
  if (update.is_private && !may_receive_private(update)) return false;
  return std::any_of(update.topics.begin(), update.topics.end(),
                     [this](const std::string& topic) { return verdict(topic).routed; });
}

}  // namespace herald::hub
