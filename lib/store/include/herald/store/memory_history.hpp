#pragma once
// The in-memory history: a ring bounded by event count and by bytes, oldest evicted first.
#include <cstddef>
#include <deque>
#include <string_view>
#include <unordered_map>

#include "herald/hub/history.hpp"

namespace herald::store {

class MemoryHistory final : public hub::History {
 public:
  MemoryHistory(std::size_t max_events, std::size_t max_bytes);

  bool append(const hub::UpdatePtr& update) override;
  hub::ReplayFrom replay(std::string_view last_event_id,
                         std::vector<hub::UpdatePtr>& out) const override;
  std::uint64_t next_seq() const override { return next_seq_; }
  std::optional<std::string> newest_id() const override;
  std::size_t size() const override { return ring_.size(); }
  std::size_t bytes() const override { return bytes_; }

 private:
  void evict_to_fit();

  std::size_t max_events_;
  std::size_t max_bytes_;
  std::deque<hub::UpdatePtr> ring_;  // ring_[i].seq == ring_.front().seq + i
  // id -> seq; the key views the id held by the update in ring_.
  std::unordered_map<std::string_view, std::uint64_t> by_id_;
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;  // 0 means "before everything" to subscribers
};

}  // namespace herald::store
