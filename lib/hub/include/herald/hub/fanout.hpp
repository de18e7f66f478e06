#pragma once
// One shard's subscriptions and the per-event matching. Single-threaded by design: each
// worker shard owns one Fanout, so delivering an event takes no lock.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "herald/hub/selector.hpp"
#include "herald/hub/subscriber.hpp"
#include "herald/hub/update.hpp"

namespace herald::hub {

class Fanout {
 public:
  // `topic_cache_limit` bounds how many topics keep their list of matching templates.
  explicit Fanout(std::size_t topic_cache_limit = 65536);
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  // Starts delivering to `s` the updates whose seq is above `seen_seq`.
  void add(Subscriber& s, std::uint64_t seen_seq);
  void remove(Subscriber& s);

  // Queues `update` to each matching subscriber once, however many of its topics and
  // selectors match; returns how many got it. Call flush() after a batch.
  std::size_t dispatch(const UpdatePtr& update);
  // Lets every subscriber touched since the last flush write its queue, once.
  void flush();

  // Whether `s` would receive `update` live (its selectors and the private rule); for
  // filtering a replay, where no index helps.
  static bool wants(const Subscriber& s, const Update& update);

  std::size_t subscriber_count() const { return subscribers_; }
  std::size_t template_selector_count() const { return templates_.size(); }
  // Distinct selectors with at least one subscriber on this shard.
  std::size_t selector_count() const { return exact_.size() + templates_.size() + any_.size(); }

 private:
  struct Entry {
    const Selector* selector = nullptr;  // owned by the first subscriber; any works
    std::vector<Subscriber*> subscribers;
  };
  using Index = std::unordered_map<std::string, Entry>;
  static constexpr std::uint32_t not_indexed = UINT32_MAX;  // a repeated selector's slot

  Index& index_for(const Selector& selector);
  void offer(Subscriber& s, const UpdatePtr& update);
  void offer_all(Entry& entry, const UpdatePtr& update);
  std::size_t delivered_ = 0;  // in the current dispatch
  const std::vector<Entry*>& templates_matching(const std::string& topic);

  Index exact_;      // selector text == topic
  Index templates_;  // URI templates, keyed by their text
  Index any_;        // the `*` selector (one entry)
  // topic -> the template entries that match it; dropped whenever the set of distinct
  // templates changes, so a result is never stale.
  std::unordered_map<std::string, std::vector<Entry*>> template_matches_;
  std::size_t topic_cache_limit_;
  std::vector<Subscriber*> touched_;
  std::size_t subscribers_ = 0;
};

}  // namespace herald::hub
