#pragma once
// Remembers whether a URI-template selector matches a topic, so each (selector, topic) pair
// is evaluated once while it stays cached. One per shard: single-threaded, no locks.
//
// Bounded: entries live in two generations. New results go to the young one; when it is
// full it becomes the old one and the previous old one is dropped, and a hit in the old
// generation moves the entry back to the young one. That keeps what is in use (an
// approximate LRU) without touching a list on every hit.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "herald/match/selector.hpp"

namespace herald::match {

class MatchCache {
 public:
  static constexpr std::size_t kDefaultMaxEntries = 65536;

  // A topic with its hash computed once, to look it up against many selectors.
  struct Topic {
    explicit Topic(std::string_view t) : text(t), hash(std::hash<std::string_view>{}(t)) {}
    std::string_view text;
    std::size_t hash;
  };

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;   // evaluations of a template
    std::uint64_t evicted = 0;  // entries dropped to stay under max_entries
  };

  // Holds at most `max_entries` results (raised to 2 if smaller).
  explicit MatchCache(std::size_t max_entries = kDefaultMaxEntries);
  MatchCache(const MatchCache&) = delete;
  MatchCache& operator=(const MatchCache&) = delete;

  // selector.matches(topic). Only template selectors are cached: `*` and exact selectors
  // are answered directly (an exact selector is a hash lookup in the fan-out's index).
  bool matches(const Selector& selector, const Topic& topic);
  bool matches(const Selector& selector, std::string_view topic) {
    return matches(selector, Topic(topic));
  }

  void clear();
  std::size_t size() const { return young_.size() + old_.size(); }
  std::size_t max_entries() const { return 2 * generation_limit_; }
  const Stats& stats() const { return stats_; }

 private:
  // An entry's key: the selector's text then the topic's, in one allocation.
  struct Key {
    std::string bytes;
    std::size_t selector_size;
    std::size_t hash;
  };
  // A lookup: the same pair, borrowed, so a lookup copies nothing.
  struct Probe {
    std::string_view selector;
    std::string_view topic;
    std::size_t hash;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(const Key& k) const noexcept { return k.hash; }
    std::size_t operator()(const Probe& p) const noexcept { return p.hash; }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(const Key& a, const Key& b) const {
      return a.selector_size == b.selector_size && a.bytes == b.bytes;
    }
    bool operator()(const Key& k, const Probe& p) const {
      const std::string_view bytes = k.bytes;
      return k.selector_size == p.selector.size() &&
             bytes.size() == p.selector.size() + p.topic.size() &&
             bytes.substr(0, k.selector_size) == p.selector &&
             bytes.substr(k.selector_size) == p.topic;
    }
    bool operator()(const Probe& p, const Key& k) const { return (*this)(k, p); }
  };
  using Map = std::unordered_map<Key, bool, Hash, Equal>;

  void insert(const Probe& probe, bool matched);

  std::size_t generation_limit_;
  Map young_;
  Map old_;
  Stats stats_;
};

}  // namespace herald::match
