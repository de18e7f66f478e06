#pragma once
// Which URI-template selectors of a shard match a topic, remembered per topic so that a
// topic published again is not matched again. An entry names its templates by slot and
// generation, and the fan-out drops the references to templates that are gone when it
// next reads the entry; it matches an entry only against the templates indexed since it
// last looked. So subscribers coming and going never empty the cache (issue 9: every
// template subscribe or unsubscribe used to clear it, and 500 template subscribers took
// publishing from 3,900/s to 5/s).
//
// Bounded by topics and by template references together, evicting the least recently
// used topic first. Single-threaded, like the fan-out that owns it.
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::match {

// A template selector as the cache names it: its slot in the fan-out, which is reused
// once the template is gone, and the generation it was indexed at, which never is.
struct TemplateRef {
  std::uint32_t slot = 0;
  std::uint64_t generation = 0;
};

class TopicTemplateCache {
 public:
  struct Matches {
    std::vector<TemplateRef> templates;  // those that match; some may be gone since
    std::uint64_t checked_below = 0;     // every template of a lower generation was tried
  };

  // Keeps at most `max_topics` topics, and drops the least recently used topics while
  // the entries hold more than `max_refs` references together (the newest is kept).
  TopicTemplateCache(std::size_t max_topics, std::size_t max_refs);
  TopicTemplateCache(const TopicTemplateCache&) = delete;
  TopicTemplateCache& operator=(const TopicTemplateCache&) = delete;

  // The entry of `topic`, now the most recently used: a new, empty one (checked_below 0)
  // when the topic was not cached. Valid until the next lookup().
  Matches& lookup(const std::string& topic);
  // After the caller changed the templates of the entry lookup() gave: keeps the count of
  // references, and evicts what is over the bounds.
  void resized(std::size_t before, std::size_t after);

  std::size_t size() const { return by_topic_.size(); }
  std::size_t refs() const { return refs_; }

 private:
  struct Node {
    std::string topic;
    Matches matches;
  };
  void evict_least_recently_used();

  std::size_t max_topics_;
  std::size_t max_refs_;
  std::size_t refs_ = 0;
  std::list<Node> lru_;  // most recently used first; nodes never move in memory
  std::unordered_map<std::string_view, std::list<Node>::iterator> by_topic_;  // views Node::topic
};

}  // namespace herald::match
