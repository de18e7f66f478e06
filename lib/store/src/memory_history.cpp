#include "herald/store/memory_history.hpp"

#include <algorithm>

namespace herald::store {

namespace {

// What a string really holds on the heap: nothing inside its small-string buffer, else
// its capacity plus the allocator's header (an estimate: glibc's is 8-16 bytes).
std::size_t heap_bytes(const std::string& s) {
  constexpr std::size_t small_capacity = 15;  // libstdc++'s in-place buffer
  constexpr std::size_t allocation_overhead = 16;
  return s.capacity() > small_capacity ? s.capacity() + 1 + allocation_overhead : 0;
}

// The fixed part of an update: the Update itself with its shared_ptr control block
// (make_shared: one allocation), its ring slot, its by_id_ node and the topics vector's
// allocation.
constexpr std::size_t per_update_overhead =
    sizeof(hub::Update) + 16 + 16 + sizeof(std::uint64_t) + 2 * sizeof(void*) + 64 + 16;
// Per topic the update names: its std::string in the topics vector.
constexpr std::size_t per_topic_overhead = sizeof(std::string);
// A topic of the per-topic index (--history-per-topic): the map node with its key (a
// copy of the topic), the deque's map and first block, and the allocations' headers.
constexpr std::size_t per_index_entry_overhead =
    sizeof(std::string) + sizeof(std::deque<std::uint64_t>) + 2 * sizeof(void*) + 64 + 512 + 48;

}  // namespace

std::size_t MemoryHistory::held_bytes(const hub::Update& u) {
  std::size_t bytes = per_update_overhead + heap_bytes(u.frame) + heap_bytes(u.id);
  for (const std::string& topic : u.topics)
    bytes += per_topic_overhead + heap_bytes(topic);
  return bytes;
}

std::size_t MemoryHistory::index_entry_bytes(const std::string& topic) {
  return per_index_entry_overhead + heap_bytes(topic);
}

MemoryHistory::MemoryHistory(HistoryLimits limits) : limits_(limits) {}

std::uint64_t MemoryHistory::seq_at(std::size_t i) const {
  const std::size_t slot = front_ + i;
  return segments_[slot / Segment::capacity]->seqs[slot % Segment::capacity];
}

const hub::UpdatePtr& MemoryHistory::update_at(std::size_t i) const {
  const std::size_t slot = front_ + i;
  return segments_[slot / Segment::capacity]->updates[slot % Segment::capacity];
}

hub::UpdatePtr& MemoryHistory::writable_update_at(std::size_t i) {
  const std::size_t slot = front_ + i;
  std::shared_ptr<Segment>& segment = segments_[slot / Segment::capacity];
  // Snapshots are taken under the hub's lock, which the caller holds: a use count of 1
  // cannot grow meanwhile, so only a shared segment is copied.
  if (segment.use_count() > 1) segment = std::make_shared<Segment>(*segment);
  return segment->updates[slot % Segment::capacity];
}

void MemoryHistory::push_slot(std::uint64_t seq, const hub::UpdatePtr& update) {
  const std::size_t slot = front_ + ring_slots_;
  if (slot == segments_.size() * Segment::capacity)
    segments_.push_back(std::make_shared<Segment>());
  // Past the end of every snapshot taken so far: no reader looks at this slot.
  Segment& segment = *segments_[slot / Segment::capacity];
  segment.seqs[slot % Segment::capacity] = seq;
  segment.updates[slot % Segment::capacity] = update;
  ++ring_slots_;
}

void MemoryHistory::pop_front_slot() {
  // Released now (not with its segment): an evicted update's memory is given back at once
  // unless a snapshot being read still needs it.
  if (update_at(0)) writable_update_at(0).reset();
  --ring_slots_;
  if (++front_ == Segment::capacity || ring_slots_ == 0) {
    segments_.pop_front();
    front_ = 0;
  }
}

void MemoryHistory::append(const hub::UpdatePtr& update) {
  // The hub stamped update->seq with next_seq(). A history of size 0 still numbers
  // updates, so live delivery can order and deduplicate them.
  ++next_seq_;
  if (limits_.max_events == 0) return;
  push_slot(update->seq, update);
  ++live_;
  bytes_ += held_bytes(*update);
  by_id_.emplace(update->id, update->seq);
  if (limits_.max_per_topic != 0) {
    for (const std::string& topic : update->topics) {
      auto [entry, inserted] = by_topic_.try_emplace(topic);
      if (inserted) bytes_ += index_entry_bytes(topic);
      std::deque<std::uint64_t>& seqs = entry->second;
      if (!seqs.empty() && seqs.back() == update->seq) continue;  // topic named twice
      seqs.push_back(update->seq);
      if (seqs.size() > limits_.max_per_topic) evict_for_topic(topic);
    }
  }
  // Keep at least the newest update even when it alone is over the byte bound.
  while (live_ > 1 && (live_ > limits_.max_events || bytes_ > limits_.max_bytes))
    evict_oldest();
  compact_if_sparse();
}

void MemoryHistory::forget(const hub::Update& update) {
  auto [first, last] = by_id_.equal_range(update.id);
  for (auto it = first; it != last; ++it) {
    if (it->second == update.seq) {
      by_id_.erase(it);
      break;
    }
  }
  if (limits_.max_per_topic != 0) {
    for (const std::string& topic : update.topics) {
      auto entry = by_topic_.find(topic);
      if (entry == by_topic_.end()) continue;  // topic named twice: already forgotten
      std::deque<std::uint64_t>& seqs = entry->second;
      auto at = std::lower_bound(seqs.begin(), seqs.end(), update.seq);
      if (at != seqs.end() && *at == update.seq) seqs.erase(at);
      if (seqs.empty()) {
        bytes_ -= index_entry_bytes(entry->first);
        by_topic_.erase(entry);
      }
    }
  }
  --live_;
  bytes_ -= held_bytes(update);
}

void MemoryHistory::evict_oldest() {
  while (!update_at(0))
    pop_front_slot();
  forget(*update_at(0));
  pop_front_slot();
}

void MemoryHistory::evict_for_topic(const std::string& topic) {
  // Copy the seq: forgetting the update erases it from by_topic_[topic].
  const std::uint64_t oldest = by_topic_[topic].front();
  const std::size_t at = position_of(oldest);
  forget(*update_at(at));
  writable_update_at(at).reset();
}

void MemoryHistory::compact_if_sparse() {
  while (ring_slots_ > 0 && !update_at(0))
    pop_front_slot();
  // Empty slots never outnumber live ones by much, so the ring stays O(held events) and
  // each compaction is paid for by the evictions that made it necessary. The live slots
  // move to new segments: snapshots keep reading the old ones.
  if (ring_slots_ - live_ > live_ + 1024) {
    std::deque<std::shared_ptr<Segment>> old;
    old.swap(segments_);
    const std::size_t old_front = front_, old_slots = ring_slots_;
    front_ = ring_slots_ = 0;
    for (std::size_t i = 0; i < old_slots; ++i) {
      const std::size_t slot = old_front + i;
      const Segment& segment = *old[slot / Segment::capacity];
      const hub::UpdatePtr& update = segment.updates[slot % Segment::capacity];
      if (update) push_slot(segment.seqs[slot % Segment::capacity], update);
    }
  }
}

std::size_t MemoryHistory::position_of(std::uint64_t seq) const {
  std::size_t low = 0, high = ring_slots_;
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    if (seq_at(mid) < seq) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

hub::ReplayFrom MemoryHistory::replay(std::string_view last_event_id,
                                      hub::ReplaySnapshot& out) const {
  if (last_event_id.empty()) return hub::ReplayFrom::none;
  std::size_t start = 0;
  hub::ReplayFrom from = hub::ReplayFrom::unknown;
  if (last_event_id == "earliest") {
    from = hub::ReplayFrom::earliest;
  } else if (auto [first, last] = by_id_.equal_range(last_event_id); first != last) {
    // A repeated id resolves to its earliest occurrence (the Mercure draft's
    // reconciliation rule): nothing after any of its occurrences is skipped.
    std::uint64_t seq = first->second;
    for (auto it = first; it != last; ++it)
      seq = std::min(seq, it->second);
    from = hub::ReplayFrom::after_id;
    start = position_of(seq) + 1;
  }
  // Unknown ids replay everything held: skipping what history still holds could lose
  // events, while a duplicate is visible to the client by its id. One run per segment.
  for (std::size_t i = start; i < ring_slots_;) {
    const std::size_t slot = front_ + i;
    const std::size_t offset = slot % Segment::capacity;
    const std::size_t count = std::min(Segment::capacity - offset, ring_slots_ - i);
    const std::shared_ptr<Segment>& segment = segments_[slot / Segment::capacity];
    out.add({segment, std::span<const hub::UpdatePtr>(segment->updates.data() + offset, count)});
    i += count;
  }
  return from;
}

std::optional<std::string> MemoryHistory::newest_id() const {
  for (std::size_t i = ring_slots_; i > 0; --i) {
    if (const hub::UpdatePtr& update = update_at(i - 1)) return update->id;
  }
  return std::nullopt;
}

}  // namespace herald::store
