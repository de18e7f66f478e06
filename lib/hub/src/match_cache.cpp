#include "herald/hub/match_cache.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace herald::hub {

MatchCache::MatchCache(std::size_t max_entries)
    : generation_limit_(std::max<std::size_t>(max_entries, 2) / 2) {}

std::string_view MatchCache::make_key(std::string_view selector, std::string_view topic) {
  // A fixed-width binary length: cheaper than decimal, and as unambiguous.
  const auto length = static_cast<std::uint32_t>(selector.size());
  key_.assign(reinterpret_cast<const char*>(&length), sizeof length);
  key_.append(selector);
  key_.append(topic);
  return key_;
}

bool MatchCache::matches(const Selector& selector, std::string_view topic) {
  if (selector.kind() != Selector::Kind::uri_template) return selector.matches(topic);
  const std::string_view key = make_key(selector.text(), topic);
  if (auto it = young_.find(key); it != young_.end()) {
    ++stats_.hits;
    return it->second;
  }
  if (auto it = old_.find(key); it != old_.end()) {
    ++stats_.hits;
    const bool matched = it->second;
    // Still in use: keep it across the next generation change.
    old_.erase(it);
    insert(key, matched);
    return matched;
  }
  ++stats_.misses;
  const bool matched = selector.matches(topic);
  insert(key, matched);
  return matched;
}

void MatchCache::insert(std::string_view key, bool matched) {
  if (young_.size() >= generation_limit_) {
    stats_.evicted += old_.size();
    old_ = std::move(young_);
    young_ = Map();
  }
  young_.emplace(std::string(key), matched);
}

void MatchCache::clear() {
  young_.clear();
  old_.clear();
}

}  // namespace herald::hub
