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

bool MemoryHistory::append(const hub::UpdatePtr& update, hub::AppendDone /*done*/) {
  // The hub stamped update->seq with next_seq(). A history of size 0 still numbers
  // updates, so live delivery can order and deduplicate them.
  ++next_seq_;
  if (limits_.max_events == 0) return true;
  ring_.push_back({update->seq, update});
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
  return true;  // memory keeps it at once
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
  while (!ring_.front().update)
    ring_.pop_front();
  forget(*ring_.front().update);
  ring_.pop_front();
}

void MemoryHistory::forget_all() {
  ring_.clear();
  by_id_.clear();
  by_topic_.clear();
  live_ = 0;
  bytes_ = 0;
}

void MemoryHistory::forget_through(std::uint64_t seq) {
  while (live_ != 0) {
    while (!ring_.front().update)
      ring_.pop_front();
    if (ring_.front().seq > seq) break;
    evict_oldest();
  }
  compact_if_sparse();
}

void MemoryHistory::evict_for_topic(const std::string& topic) {
  // Copy the seq: forgetting the update erases it from by_topic_[topic].
  const std::uint64_t oldest = by_topic_[topic].front();
  auto slot = ring_.begin() + (slot_of(oldest) - ring_.cbegin());
  forget(*slot->update);
  slot->update.reset();
}

void MemoryHistory::compact_if_sparse() {
  while (!ring_.empty() && !ring_.front().update)
    ring_.pop_front();
  // Empty slots never outnumber live ones by much, so the ring stays O(held events) and
  // each compaction is paid for by the evictions that made it necessary.
  if (ring_.size() - live_ > live_ + 1024) {
    std::erase_if(ring_, [](const Slot& s) { return !s.update; });
  }
}

std::deque<MemoryHistory::Slot>::const_iterator MemoryHistory::slot_of(std::uint64_t seq) const {
  return std::lower_bound(ring_.begin(), ring_.end(), seq,
                          [](const Slot& s, std::uint64_t v) { return s.seq < v; });
}

hub::ResumePoint MemoryHistory::resume_point(std::string_view last_event_id) const {
  if (last_event_id.empty()) return {hub::ReplayFrom::none, next_seq_ - 1};
  // Unknown ids replay everything held: skipping what history still holds could lose
  // events, while a duplicate is visible to the client by its id.
  hub::ResumePoint point{hub::ReplayFrom::unknown, oldest_seq() - 1};
  if (last_event_id == "earliest") {
    point.from = hub::ReplayFrom::earliest;
  } else if (auto [first, last] = by_id_.equal_range(last_event_id); first != last) {
    // A repeated id resolves to its earliest occurrence (the Mercure draft's
    // reconciliation rule): nothing after any of its occurrences is skipped.
    point.from = hub::ReplayFrom::after_id;
    point.after_seq = first->second;
    for (auto it = first; it != last; ++it)
      point.after_seq = std::min(point.after_seq, it->second);
  }
  return point;
}

std::uint64_t MemoryHistory::read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                                  std::vector<hub::UpdatePtr>& out) const {
  std::uint64_t reached = after_seq;
  for (auto it = slot_of(after_seq + 1); it != ring_.end() && it->seq <= up_to_seq; ++it) {
    if (max == 0) return reached;
    reached = it->seq;
    if (it->update) {
      out.push_back(it->update);
      --max;
    }
  }
  return up_to_seq;
}

std::uint64_t MemoryHistory::oldest_seq() const {
  for (const Slot& slot : ring_) {
    if (slot.update) return slot.seq;
  }
  return next_seq_;
}

std::optional<std::string> MemoryHistory::newest_id() const {
  for (auto it = ring_.rbegin(); it != ring_.rend(); ++it) {
    if (it->update) return it->update->id;
  }
  return std::nullopt;
}

}  // namespace herald::store
