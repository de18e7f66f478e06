#include "herald/hub/fanout.hpp"

#include <cassert>

namespace herald::hub {

Fanout::Fanout(std::size_t topic_cache_limit, std::size_t template_refs_limit)
    : topic_templates_(topic_cache_limit, template_refs_limit) {}

Fanout::Index& Fanout::index_for(const match::Selector& selector) {
  switch (selector.kind()) {
    case match::Selector::Kind::any:
      return any_;
    case match::Selector::Kind::exact:
      return exact_;
    case match::Selector::Kind::uri_template:
      return templates_;
    case match::Selector::Kind::url_pattern:
      return url_patterns_;
  }
  return exact_;
}

void Fanout::add(Subscriber& s, std::uint64_t seen_seq) {
  s.seen_seq_ = seen_seq;
  s.slots_.clear();
  s.slots_.reserve(s.selectors_.size());
  for (std::size_t i = 0; i < s.selectors_.size(); ++i) {
    const match::Selector& selector = s.selectors_[i];
    // A selector given twice is indexed once: one list entry per subscriber keeps the
    // swap-removal below simple (and a second entry would deliver nothing new anyway).
    bool repeated = false;
    for (std::size_t j = 0; j < i && !repeated; ++j)
      repeated = s.selectors_[j] == selector;
    if (repeated) {
      s.slots_.push_back(not_indexed);
      continue;
    }
    Index& index = index_for(selector);
    auto [it, inserted] = index.try_emplace(selector.text());
    if (inserted) {
      it->second.selector = &selector;
      if (selector.is_evaluated()) index_template(it->second);
    }
    s.slots_.push_back(static_cast<std::uint32_t>(it->second.subscribers.size()));
    it->second.subscribers.push_back(&s);
  }
  ++subscribers_;
}

void Fanout::remove(Subscriber& s) {
  for (std::size_t i = 0; i < s.selectors_.size(); ++i) {
    if (s.slots_[i] == not_indexed) continue;
    const match::Selector& selector = s.selectors_[i];
    Index& index = index_for(selector);
    auto it = index.find(selector.text());
    if (it == index.end()) continue;
    auto& list = it->second.subscribers;
    std::uint32_t slot = s.slots_[i];
    assert(slot < list.size() && list[slot] == &s);
    // Swap-remove, then fix the slot of the subscriber that moved into the hole.
    Subscriber* moved = list.back();
    list[slot] = moved;
    list.pop_back();
    if (moved != &s) {
      for (std::size_t j = 0; j < moved->selectors_.size(); ++j) {
        if (moved->slots_[j] == list.size() && moved->selectors_[j] == selector) {
          moved->slots_[j] = slot;
          break;
        }
      }
    }
    if (list.empty()) {
      if (selector.is_evaluated()) forget_template(it->second);
      index.erase(it);
    } else if (it->second.selector == &selector) {
      // The entry borrowed this subscriber's selector: borrow a remaining one's instead.
      Subscriber* other = list.front();
      for (const match::Selector& o : other->selectors_) {
        if (o == selector) {
          it->second.selector = &o;
          break;
        }
      }
    }
  }
  if (s.touched_) {
    std::erase(touched_, &s);
    s.touched_ = false;
  }
  s.slots_.clear();
  --subscribers_;
}

void Fanout::offer(Subscriber& s, const UpdatePtr& update) {
  if (s.seen_seq_ >= update->seq) return;  // already had it (replay or another topic)
  s.seen_seq_ = update->seq;
  if (update->is_private && !s.may_receive_private(*update)) return;
  s.deliver(update);
  ++delivered_;
  if (!s.touched_) {
    s.touched_ = true;
    touched_.push_back(&s);
  }
}

void Fanout::offer_all(Entry& entry, const UpdatePtr& update) {
  for (Subscriber* s : entry.subscribers)
    offer(*s, update);
}

void Fanout::index_template(Entry& entry) {
  std::uint32_t slot;
  if (!free_template_slots_.empty()) {
    slot = free_template_slots_.back();
    free_template_slots_.pop_back();
    template_slots_[slot] = &entry;
  } else {
    slot = static_cast<std::uint32_t>(template_slots_.size());
    template_slots_.push_back(&entry);
  }
  entry.ref = {slot, next_generation_++};
  templates_by_generation_.emplace(entry.ref.generation, &entry);
  // No cached topic is touched: each learns of this template the next time it is used.
}

void Fanout::forget_template(const Entry& entry) {
  // Cached references to it go stale (empty slot, or a later generation in it) and are
  // dropped when their topic is next used.
  template_slots_[entry.ref.slot] = nullptr;
  free_template_slots_.push_back(entry.ref.slot);
  templates_by_generation_.erase(entry.ref.generation);
}

void Fanout::offer_templates(const std::string& topic, const UpdatePtr& update) {
  match::TopicTemplateCache::Matches& cached = topic_templates_.lookup(topic);
  const std::size_t before = cached.templates.size();
  // Deliver through the cached matches, compacting away those whose template is gone.
  std::size_t kept = 0;
  for (const match::TemplateRef ref : cached.templates) {
    Entry* entry = template_slots_[ref.slot];
    if (entry == nullptr || entry->ref.generation != ref.generation) continue;
    cached.templates[kept++] = ref;
    offer_all(*entry, update);
  }
  cached.templates.resize(kept);
  // Then the templates indexed since this topic was last matched (all of them when new).
  if (cached.checked_below == next_generation_) return;  // none: the common case
  for (auto it = templates_by_generation_.lower_bound(cached.checked_below);
       it != templates_by_generation_.end(); ++it) {
    ++template_evaluations_;
    if (it->second->selector->matches(topic)) {
      cached.templates.push_back(it->second->ref);
      offer_all(*it->second, update);
    }
  }
  cached.checked_below = next_generation_;
  topic_templates_.resized(before, cached.templates.size());
}

std::size_t Fanout::dispatch(const UpdatePtr& update) {
  delivered_ = 0;
  for (const std::string& topic : update->topics) {
    if (auto it = exact_.find(topic); it != exact_.end()) offer_all(it->second, update);
    if (!templates_.empty() || !url_patterns_.empty()) offer_templates(topic, update);
  }
  for (auto& [text, entry] : any_)
    offer_all(entry, update);
  return delivered_;
}

void Fanout::flush() {
  // A subscriber's flush may not unsubscribe synchronously, so the list is stable here.
  for (Subscriber* s : touched_) {
    s->touched_ = false;
    s->flush();
  }
  touched_.clear();
}

}  // namespace herald::hub
