#pragma once
// One shard's subscriptions and the per-event matching. Single-threaded by design: each
// worker shard owns one Fanout, so delivering an event takes no lock.
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

  // Starts delivering to `s` the updates whose seq is above `seen_seq`.
  void add(Subscriber& s, std::uint64_t seen_seq);
  void remove(Subscriber& s);

  // Queues `update` to each matching subscriber once, however many of its topics and
  // selectors match; returns how many got it. Call flush() after a batch.
  std::size_t dispatch(const UpdatePtr& update);
  // Lets every subscriber touched since the last flush write its queue, once.
  void flush();

  std::size_t subscriber_count() const { return subscribers_; }
  // Distinct evaluated selectors (URI templates and URL patterns) on this shard.
  std::size_t template_selector_count() const { return templates_.size() + url_patterns_.size(); }
  // Distinct selectors with at least one subscriber on this shard.
  std::size_t selector_count() const {
    return exact_.size() + template_selector_count() + any_.size();
  }
  // How many times a template was matched against a topic: what the topic cache saves.
  std::uint64_t template_evaluations() const { return template_evaluations_; }
  std::size_t cached_topic_count() const { return topic_templates_.size(); }

 private:
  struct Entry {
    const match::Selector* selector = nullptr;  // owned by the first subscriber; any works
    std::vector<Subscriber*> subscribers;
    match::TemplateRef ref;  // template entries only: how the topic cache names this one
  };
  using Index = std::unordered_map<std::string, Entry>;
  static constexpr std::uint32_t not_indexed = UINT32_MAX;  // a repeated selector's slot

  Index& index_for(const match::Selector& selector);
  void index_template(Entry& entry);
  void forget_template(const Entry& entry);
  void offer(Subscriber& s, const UpdatePtr& update);
  void offer_all(Entry& entry, const UpdatePtr& update);
  void offer_templates(const std::string& topic, const UpdatePtr& update);
  std::size_t delivered_ = 0;  // in the current dispatch

  Index exact_;         // selector text == topic
  Index templates_;     // URI templates (0.x), keyed by their text: identical ones indexed once
  Index url_patterns_;  // URL patterns (1.0), likewise; both kinds share the topic cache
  Index any_;           // the `*` selector (one entry)
  // Template entries by slot (null: free), and the free slots to reuse.
  std::vector<Entry*> template_slots_;
  std::vector<std::uint32_t> free_template_slots_;
  // Template entries by the generation they were indexed at, so a cached topic is matched
  // only against the templates that came after it was last looked at.
  std::map<std::uint64_t, Entry*> templates_by_generation_;
  std::uint64_t next_generation_ = 1;
  match::TopicTemplateCache topic_templates_;
  std::uint64_t template_evaluations_ = 0;
  std::vector<Subscriber*> touched_;
  std::size_t subscribers_ = 0;
};

}  // namespace herald::hub
