#include "herald/match/match_cache.hpp"

#include <algorithm>
#include <utility>

namespace herald::match {
namespace {

// Mixes the two hashes so that swapping selector and topic gives another key.
std::size_t combine(std::size_t selector_hash, std::size_t topic_hash) {
  return topic_hash ^
         (selector_hash + 0x9e3779b97f4a7c15ULL + (topic_hash << 6) + (topic_hash >> 2));
}

}  // namespace

MatchCache::MatchCache(std::size_t max_entries)
    : generation_limit_(std::max<std::size_t>(max_entries, 2) / 2) {}

bool MatchCache::matches(const Selector& selector, const Topic& topic) {
  if (selector.kind() != Selector::Kind::uri_template) return selector.matches(topic.text);
  const Probe probe{selector.text(), topic.text, combine(selector.hash(), topic.hash)};
  if (auto it = young_.find(probe); it != young_.end()) {
    ++stats_.hits;
    return it->second;
  }
  if (auto it = old_.find(probe); it != old_.end()) {
    ++stats_.hits;
    const bool matched = it->second;
    // Still in use: keep it across the next generation change.
    old_.erase(it);
    insert(probe, matched);
    return matched;
  }
  ++stats_.misses;
  const bool matched = selector.matches(topic.text);
  insert(probe, matched);
  return matched;
}

void MatchCache::insert(const Probe& probe, bool matched) {
  if (young_.size() >= generation_limit_) {
    stats_.evicted += old_.size();
    old_ = std::move(young_);
    young_ = Map();
  }
  std::string bytes;
  bytes.reserve(probe.selector.size() + probe.topic.size());
  bytes.append(probe.selector).append(probe.topic);
  young_.emplace(Key{std::move(bytes), probe.selector.size(), probe.hash}, matched);
}

void MatchCache::clear() {
  young_.clear();
  old_.clear();
}

}  // namespace herald::match
