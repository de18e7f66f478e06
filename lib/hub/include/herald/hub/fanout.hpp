#pragma once
// One shard's subscriptions and the per-event matching. Single-threaded by design: each
// worker shard owns one Fanout, so delivering an event takes no lock.
//
// Evaluated selectors (URI templates, URL patterns) are matched through one per-topic
// cache that serves two readers: the routing selectors of subscriptions, and the
// evaluated subscribe grants of subscribers' tokens, which decide who may receive a
// private update. A grant is indexed like a routing selector (one entry per distinct
// text, reference-counted, with no subscribers of its own), so each (pattern, topic) pair
// is evaluated once while the topic stays cached, whichever reader needs it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "herald/hub/subscriber.hpp"
#include "herald/hub/update.hpp"
#include "herald/match/selector.hpp"
#include "herald/match/topic_template_cache.hpp"

namespace herald::hub {

class Fanout {
 public:
  static constexpr std::size_t kDefaultCachedTopics = 65536;
  // 16 bytes each: at most 16 MiB of cached (topic, template) pairs per shard.
  static constexpr std::size_t kDefaultCachedTemplateRefs = std::size_t{1} << 20;

  // `topic_cache_limit` bounds how many topics keep their list of matching templates,
  // `template_refs_limit` how many entries those lists hold together.
  explicit Fanout(std::size_t topic_cache_limit = kDefaultCachedTopics,
                  std::size_t template_refs_limit = kDefaultCachedTemplateRefs);
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  // Starts delivering to `s` the updates whose seq is above `seen_seq`, and indexes the
  // evaluated selectors among its private grants.
  void add(Subscriber& s, std::uint64_t seen_seq);
  void remove(Subscriber& s);

  // Queues `update` to each matching subscriber once, however many of its topics and
  // selectors match; returns how many got it. A private update goes only to those whose
  // private grants match one of its topics. Call flush() after a batch.
  std::size_t dispatch(const UpdatePtr& update);
  // Tells every subscriber of the shard, once each, that it missed updates (the hub lost
  // some before they reached it); their flush writes it. Returns how many were told.
  std::size_t missed_by_all(const Gap& gap);
  // Lets every subscriber touched since the last flush write its queue, once.
  void flush();

  std::size_t subscriber_count() const { return subscribers_; }
  // Distinct evaluated selectors (URI templates and URL patterns) on this shard, routing
  // selectors and private grants alike.
  std::size_t template_selector_count() const { return templates_.size() + url_patterns_.size(); }
  // Distinct selectors with at least one subscriber on this shard (grants not counted).
  std::size_t selector_count() const { return exact_.size() + subscribed_templates_ + any_.size(); }
  // How many times a template was matched against a topic: what the topic cache saves.
  std::uint64_t template_evaluations() const { return template_evaluations_; }
  std::size_t cached_topic_count() const { return topic_templates_.size(); }
  // Template references the cached topics hold together (bounded by template_refs_limit).
  std::size_t cached_template_refs() const { return topic_templates_.refs(); }

 private:
  struct Entry {
    std::vector<Subscriber*> subscribers;
  };
  // An evaluated selector's entry: a copy of the selector, since the subscriptions and
  // tokens that name it come and go while it stays.
  struct TemplateEntry : Entry {
    explicit TemplateEntry(const match::Selector& s) : selector(s) {}
    match::Selector selector;
    std::uint32_t grants = 0;      // private grants that name it
    match::TemplateRef ref;        // how the topic cache names it
    std::uint64_t matched_in = 0;  // the last dispatch in which it matched a topic
  };
  using Index = std::unordered_map<std::string, Entry>;
  using TemplateIndex = std::unordered_map<std::string, TemplateEntry>;
  static constexpr std::uint32_t not_indexed = UINT32_MAX;  // a repeated selector's slot

  Index& plain_index(const match::Selector& selector);
  TemplateIndex& template_index(const match::Selector& selector);
  Entry& entry_for(const match::Selector& selector);
  TemplateEntry& template_entry_for(const match::Selector& selector);
  Entry* find(const match::Selector& selector);
  void erase_if_unused(const match::Selector& selector);
  void index_template(TemplateEntry& entry);
  void forget_template(const TemplateEntry& entry);
  void match_templates(const std::string& topic);
  void matched(TemplateEntry& entry);
  bool may_receive_private(const Subscriber& s, const Update& update) const;
  void offer(Subscriber& s, const UpdatePtr& update);
  void offer_all(Entry& entry, const UpdatePtr& update);
  std::size_t delivered_ = 0;  // in the current dispatch

  Index exact_;                 // selector text == topic
  TemplateIndex templates_;     // URI templates (0.x), keyed by their text: identical ones once
  TemplateIndex url_patterns_;  // URL patterns (1.0), likewise; both kinds share the topic cache
  Index any_;                   // the `*` selector (one entry)
  std::size_t subscribed_templates_ = 0;  // template entries with subscribers
  // Template entries by slot (null: free), and the free slots to reuse.
  std::vector<TemplateEntry*> template_slots_;
  std::vector<std::uint32_t> free_template_slots_;
  // Template entries by the generation they were indexed at, so a cached topic is matched
  // only against the templates that came after it was last looked at.
  std::map<std::uint64_t, TemplateEntry*> templates_by_generation_;
  std::uint64_t next_generation_ = 1;
  match::TopicTemplateCache topic_templates_;
  std::uint64_t template_evaluations_ = 0;
  // The current dispatch, and the template entries that match one of its topics.
  std::uint64_t dispatches_ = 0;
  std::vector<TemplateEntry*> matched_;
  std::vector<Subscriber*> touched_;
  std::size_t subscribers_ = 0;
};

}  // namespace herald::hub
