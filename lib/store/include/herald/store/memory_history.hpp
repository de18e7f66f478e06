#pragma once
// The in-memory history: a ring bounded by event count, by bytes and (optionally) by
// events per topic, oldest evicted first.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "herald/hub/history.hpp"

namespace herald::store {

struct HistoryLimits {
  std::size_t max_events = 10000;
  // Memory held for the kept updates: frames, ids, topics and the containers around them
  // (see MemoryHistory::held_bytes), so it bounds what history really costs.
  std::size_t max_bytes = 64 * 1024 * 1024;
  // Events kept per topic (0: no per-topic bound), so that one chatty topic cannot evict
  // every other topic's history. An update with several topics counts for each of them.
  std::size_t max_per_topic = 0;
};

class MemoryHistory final : public hub::History {
 public:
  explicit MemoryHistory(HistoryLimits limits);

  void append(const hub::UpdatePtr& update) override;
  hub::ReplayFrom replay(std::string_view last_event_id, hub::ReplaySnapshot& out) const override;
  std::uint64_t next_seq() const override { return next_seq_; }
  std::optional<std::string> newest_id() const override;
  std::size_t size() const override { return live_; }
  std::size_t bytes() const override { return bytes_; }

  // What keeping `update` costs in memory: its frame, id and every topic string, plus an
  // estimate of the fixed overhead of the update, its shared_ptr control block and the
  // ring and id-index entries. Topics weigh as much as data: an update may name 100.
  static std::size_t held_bytes(const hub::Update& update);
  // What one topic of the per-topic index costs (key copy, map node, deque).
  static std::size_t index_entry_bytes(const std::string& topic);

 private:
  // The ring is stored in fixed segments shared with replay snapshots: a snapshot copies
  // segment pointers, never the updates. A segment a snapshot still holds is copied before
  // the history changes a slot in it (copy on write), so readers without the hub's lock
  // never see a slot change; appends only fill slots past every snapshot's end.
  struct Segment {
    static constexpr std::size_t capacity = 256;
    std::array<std::uint64_t, capacity> seqs{};
    std::array<hub::UpdatePtr, capacity> updates{};  // null: evicted from the middle
  };

  // The slot at ring position `i` (0 = oldest).
  std::uint64_t seq_at(std::size_t i) const;
  const hub::UpdatePtr& update_at(std::size_t i) const;
  // The same slot for changing it: copies its segment first if a snapshot shares it.
  hub::UpdatePtr& writable_update_at(std::size_t i);
  std::size_t ring_size() const { return ring_slots_; }
  void push_slot(std::uint64_t seq, const hub::UpdatePtr& update);
  void pop_front_slot();

  void evict_oldest();
  void evict_for_topic(const std::string& topic);
  // Forgets `update` in the id and topic indexes and the counters; its slot is emptied
  // by the caller.
  void forget(const hub::Update& update);
  void compact_if_sparse();
  // The ring position of the first slot whose seq is >= `seq`.
  std::size_t position_of(std::uint64_t seq) const;

  HistoryLimits limits_;
  // Ascending seq; empty slots only while not compacted. The ring starts at slot
  // `front_` of the first segment and holds `ring_slots_` slots.
  std::deque<std::shared_ptr<Segment>> segments_;
  std::size_t front_ = 0;
  std::size_t ring_slots_ = 0;
  std::size_t live_ = 0;  // slots that hold an update
  std::size_t bytes_ = 0;
  // id -> seq of every held update with that id (ids may repeat); the key views the id
  // held by the update. A resume from a repeated id starts after its earliest occurrence.
  std::unordered_multimap<std::string_view, std::uint64_t> by_id_;
  // topic -> seqs of the held updates naming it, ascending; only with max_per_topic.
  std::unordered_map<std::string, std::deque<std::uint64_t>> by_topic_;
  std::uint64_t next_seq_ = 1;  // 0 means "before everything" to subscribers
};

}  // namespace herald::store
