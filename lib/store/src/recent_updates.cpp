#include "recent_updates.hpp"

#include <algorithm>

namespace herald::store {

RecentUpdates::RecentUpdates(std::size_t capacity, std::uint64_t floor)
    : capacity_(capacity), floor_(floor) {}

void RecentUpdates::push(const hub::UpdatePtr& update) {
  slots_.push_back({update->seq, update});
  while (slots_.size() > capacity_)
    drop_front();
}

void RecentUpdates::drop_front() {
  floor_ = slots_.front().seq + 1;
  slots_.pop_front();
}

void RecentUpdates::forget(std::uint64_t seq) {
  auto at = std::lower_bound(slots_.begin(), slots_.end(), seq,
                             [](const Slot& s, std::uint64_t v) { return s.seq < v; });
  if (at == slots_.end() || at->seq != seq) return;
  at->update.reset();
  while (!slots_.empty() && !slots_.front().update)
    drop_front();
}

std::uint64_t RecentUpdates::read(std::uint64_t after_seq, std::uint64_t up_to_seq,
                                  std::size_t& max, std::vector<hub::UpdatePtr>& out) const {
  std::uint64_t reached = after_seq;
  auto it = std::lower_bound(slots_.begin(), slots_.end(), after_seq + 1,
                             [](const Slot& s, std::uint64_t v) { return s.seq < v; });
  for (; it != slots_.end() && it->seq <= up_to_seq; ++it) {
    if (max == 0) return reached;
    reached = it->seq;
    if (it->update) {
      out.push_back(it->update);
      --max;
    }
  }
  return up_to_seq;
}

}  // namespace herald::store
