#include "herald/hub/fanout.hpp"

#include <algorithm>
#include <cassert>
#include <unordered_set>

namespace herald::hub {

Fanout::Fanout(std::size_t topic_cache_limit, std::size_t template_refs_limit)
    : topic_templates_(topic_cache_limit, template_refs_limit) {}

Fanout::Index& Fanout::plain_index(const match::Selector& selector) {
  return selector.kind() == match::Selector::Kind::any ? any_ : exact_;
}

Fanout::TemplateIndex& Fanout::template_index(const match::Selector& selector) {
  return selector.kind() == match::Selector::Kind::uri_template ? templates_ : url_patterns_;
}

Fanout::TemplateEntry& Fanout::template_entry_for(const match::Selector& selector) {
  auto [it, inserted] = template_index(selector).try_emplace(selector.text(), selector);
  if (inserted) index_template(it->second);
  return it->second;
}

Fanout::Entry& Fanout::entry_for(const match::Selector& selector) {
  if (selector.is_evaluated()) return template_entry_for(selector);
  return plain_index(selector).try_emplace(selector.text()).first->second;
}

Fanout::Entry* Fanout::find(const match::Selector& selector) {
  if (selector.is_evaluated()) {
    TemplateIndex& index = template_index(selector);
    auto it = index.find(selector.text());
    return it == index.end() ? nullptr : &it->second;
  }
  Index& index = plain_index(selector);
  auto it = index.find(selector.text());
  return it == index.end() ? nullptr : &it->second;
}

void Fanout::erase_if_unused(const match::Selector& selector) {
  if (!selector.is_evaluated()) {
    Index& index = plain_index(selector);
    if (auto it = index.find(selector.text()); it != index.end() && it->second.subscribers.empty())
      index.erase(it);
    return;
  }
  TemplateIndex& index = template_index(selector);
  auto it = index.find(selector.text());
  if (it == index.end() || !it->second.subscribers.empty() || it->second.grants != 0) return;
  forget_template(it->second);
  index.erase(it);
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
    Entry& entry = entry_for(selector);
    if (selector.is_evaluated() && entry.subscribers.empty()) ++subscribed_templates_;
    s.slots_.push_back(static_cast<std::uint32_t>(entry.subscribers.size()));
    entry.subscribers.push_back(&s);
  }
  // The evaluated grants, each counted once per mention (so a repeated one needs no
  // special case); `*` answers every private update without them.
  const match::SelectorSet* grants = s.private_grants();
  if (grants != nullptr && !grants->has_any()) {
    for (const match::Selector& grant : grants->selectors()) {
      if (!grant.is_evaluated()) continue;
      TemplateEntry& entry = template_entry_for(grant);
      ++entry.grants;
      s.slots_.push_back(entry.ref.slot);
    }
  }
  ++subscribers_;
}

void Fanout::remove(Subscriber& s) {
  for (std::size_t i = 0; i < s.selectors_.size(); ++i) {
    if (s.slots_[i] == not_indexed) continue;
    const match::Selector& selector = s.selectors_[i];
    Entry* entry = find(selector);
    if (entry == nullptr) continue;
    auto& list = entry->subscribers;
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
      if (selector.is_evaluated()) --subscribed_templates_;
      erase_if_unused(selector);
    }
  }
  const match::SelectorSet* grants = s.private_grants();
  if (grants != nullptr && !grants->has_any()) {
    for (const match::Selector& grant : grants->selectors()) {
      if (!grant.is_evaluated()) continue;
      --template_index(grant).find(grant.text())->second.grants;
      erase_if_unused(grant);
    }
  }
  if (s.touched_) {
    std::erase(touched_, &s);
    s.touched_ = false;
  }
  s.slots_.clear();
  --subscribers_;
}

bool Fanout::may_receive_private(const Subscriber& s, const Update& update) const {
  const match::SelectorSet* grants = s.private_grants();
  if (grants == nullptr) return false;
  if (grants->has_any()) return true;
  // The slots of the evaluated grants follow those of the selectors, in grant order.
  std::size_t slot = s.selectors_.size();
  for (const match::Selector& grant : grants->selectors()) {
    if (grant.is_evaluated()) {
      // match_templates() marked the entries that match one of this update's topics.
      if (template_slots_[s.slots_[slot++]]->matched_in == dispatches_) return true;
    } else if (std::find(update.topics.begin(), update.topics.end(), grant.text()) !=
               update.topics.end()) {
      return true;
    }
  }
  return false;
}

void Fanout::offer(Subscriber& s, const UpdatePtr& update) {
  if (s.seen_seq_ >= update->seq) return;  // already had it (replay or another topic)
  s.seen_seq_ = update->seq;
  if (update->is_private && !may_receive_private(s, *update)) return;
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

void Fanout::index_template(TemplateEntry& entry) {
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

void Fanout::forget_template(const TemplateEntry& entry) {
  // Cached references to it go stale (empty slot, or a later generation in it) and are
  // dropped when their topic is next used.
  template_slots_[entry.ref.slot] = nullptr;
  free_template_slots_.push_back(entry.ref.slot);
  templates_by_generation_.erase(entry.ref.generation);
}

void Fanout::matched(TemplateEntry& entry) {
  if (entry.matched_in == dispatches_) return;  // through another of the update's topics
  entry.matched_in = dispatches_;
  matched_.push_back(&entry);
}

void Fanout::match_templates(const std::string& topic) {
  match::TopicTemplateCache::Matches& cached = topic_templates_.lookup(topic);
  const std::size_t before = cached.templates.size();
  // The cached matches, compacting away those whose template is gone.
  std::size_t kept = 0;
  for (const match::TemplateRef ref : cached.templates) {
    TemplateEntry* entry = template_slots_[ref.slot];
    if (entry == nullptr || entry->ref.generation != ref.generation) continue;
    cached.templates[kept++] = ref;
    matched(*entry);
  }
  cached.templates.resize(kept);
  // Then the templates indexed since this topic was last matched (all of them when new).
  if (cached.checked_below != next_generation_) {
    for (auto it = templates_by_generation_.lower_bound(cached.checked_below);
         it != templates_by_generation_.end(); ++it) {
      ++template_evaluations_;
      if (it->second->selector.matches(topic)) {
        cached.templates.push_back(it->second->ref);
        matched(*it->second);
      }
    }
    cached.checked_below = next_generation_;
  }
  topic_templates_.resized(before, cached.templates.size());
}

std::size_t Fanout::dispatch(const UpdatePtr& update) {
  delivered_ = 0;
  ++dispatches_;
  matched_.clear();
  // Every topic's templates are matched before anything is offered: a private update's
  // check needs to know all the grants that match one of its topics.
  if (!templates_.empty() || !url_patterns_.empty()) {
    for (const std::string& topic : update->topics)
      match_templates(topic);
  }
  for (const std::string& topic : update->topics) {
    if (auto it = exact_.find(topic); it != exact_.end()) offer_all(it->second, update);
  }
  for (TemplateEntry* entry : matched_)
    offer_all(*entry, update);
  for (auto& [text, entry] : any_)
    offer_all(entry, update);
  return delivered_;
}

std::size_t Fanout::missed_by_all(const Gap& gap) {
  // Rare (a node that fell behind its cluster's log): a set tells each subscriber once,
  // whichever lists it is in.
  std::unordered_set<Subscriber*> told;
  auto tell = [&](const std::vector<Subscriber*>& subscribers) {
    for (Subscriber* s : subscribers) {
      if (!told.insert(s).second) continue;
      s->missed(gap);
      if (!s->touched_) {
        s->touched_ = true;
        touched_.push_back(s);
      }
    }
  };
  for (auto& [text, entry] : exact_)
    tell(entry.subscribers);
  for (auto& [text, entry] : any_)
    tell(entry.subscribers);
  for (auto& [text, entry] : templates_)
    tell(entry.subscribers);
  for (auto& [text, entry] : url_patterns_)
    tell(entry.subscribers);
  return told.size();
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
