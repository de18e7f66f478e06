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

#include "herald/hub/selector.hpp"

namespace herald::hub {

class MatchCache {
 public:
  static constexpr std::size_t kDefaultMaxEntries = 65536;

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
  bool matches(const Selector& selector, std::string_view topic);

  void clear();
  std::size_t size() const { return young_.size() + old_.size(); }
  std::size_t max_entries() const { return 2 * generation_limit_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map = std::unordered_map<std::string, bool, Hash, std::equal_to<>>;

  // Writes the (selector, topic) key into key_: the selector's length first, so that no
  // two pairs share a key whatever bytes they hold.
  std::string_view make_key(std::string_view selector, std::string_view topic);
  void insert(std::string_view key, bool matched);

  std::size_t generation_limit_;
  Map young_;
  Map old_;
  std::string key_;  // reused: a lookup allocates nothing
  Stats stats_;
};

}  // namespace herald::hub
