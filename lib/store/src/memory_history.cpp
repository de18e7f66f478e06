#include "herald/store/memory_history.hpp"

namespace herald::store {

MemoryHistory::MemoryHistory(std::size_t max_events, std::size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

static std::size_t cost(const hub::Update& u) {
  return u.frame.size() + u.id.size();
}

bool MemoryHistory::append(const hub::UpdatePtr& update) {
  if (by_id_.contains(update->id)) return false;
  // The hub stamped update->seq with next_seq(). A history of size 0 still numbers
  // updates, so live delivery can order and deduplicate them.
  ++next_seq_;
  if (max_events_ == 0) return true;
  ring_.push_back(update);
  by_id_.emplace(ring_.back()->id, update->seq);
  bytes_ += cost(*update);
  evict_to_fit();
  return true;
}

void MemoryHistory::evict_to_fit() {
  // Keep at least the newest update even when it alone is over the byte bound.
  while (ring_.size() > 1 && (ring_.size() > max_events_ || bytes_ > max_bytes_)) {
    const hub::UpdatePtr& oldest = ring_.front();
    by_id_.erase(oldest->id);
    bytes_ -= cost(*oldest);
    ring_.pop_front();
  }
}

hub::ReplayFrom MemoryHistory::replay(std::string_view last_event_id,
                                      std::vector<hub::UpdatePtr>& out) const {
  if (last_event_id.empty()) return hub::ReplayFrom::none;
  std::size_t start = 0;
  hub::ReplayFrom from = hub::ReplayFrom::unknown;
  if (last_event_id == "earliest") {
    from = hub::ReplayFrom::earliest;
  } else if (auto it = by_id_.find(last_event_id); it != by_id_.end()) {
    from = hub::ReplayFrom::after_id;
    start = static_cast<std::size_t>(it->second - ring_.front()->seq) + 1;
  }
  // Unknown ids replay everything held: skipping what history still holds could lose
  // events, while a duplicate is visible to the client by its id.
  out.insert(out.end(), ring_.begin() + static_cast<std::ptrdiff_t>(start), ring_.end());
  return from;
}

std::optional<std::string> MemoryHistory::newest_id() const {
  if (ring_.empty()) return std::nullopt;
  return ring_.back()->id;
}

}  // namespace herald::store
