#include "herald/match/topic_template_cache.hpp"

#include <algorithm>

namespace herald::match {

TopicTemplateCache::TopicTemplateCache(std::size_t max_topics, std::size_t max_refs)
    : max_topics_(std::max<std::size_t>(max_topics, 1)), max_refs_(max_refs) {}

TopicTemplateCache::Matches& TopicTemplateCache::lookup(const std::string& topic) {
  if (auto it = by_topic_.find(topic); it != by_topic_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);  // relinks the node: no allocation
    return it->second->matches;
  }
  if (by_topic_.size() >= max_topics_) evict_least_recently_used();
  lru_.push_front(Node{topic, {}});
  by_topic_.emplace(lru_.front().topic, lru_.begin());
  return lru_.front().matches;
}

void TopicTemplateCache::resized(std::size_t before, std::size_t after) {
  refs_ = refs_ - before + after;
  while (refs_ > max_refs_ && by_topic_.size() > 1)
    evict_least_recently_used();
}

void TopicTemplateCache::evict_least_recently_used() {
  Node& oldest = lru_.back();
  refs_ -= oldest.matches.templates.size();
  by_topic_.erase(oldest.topic);
  lru_.pop_back();
}

}  // namespace herald::match
