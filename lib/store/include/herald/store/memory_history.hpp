#pragma once
// The in-memory history: a ring bounded by event count, by bytes and (optionally) by
// events per topic, oldest evicted first.
#include <cstddef>
#include <cstdint>
#include <deque>
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

  bool append(const hub::UpdatePtr& update, hub::AppendDone done) override;
  bool completes_later() const override { return false; }
  hub::ResumePoint resume_point(std::string_view last_event_id) const override;
  std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                     std::vector<hub::UpdatePtr>& out) const override;
  std::uint64_t oldest_seq() const override;
  std::uint64_t next_seq() const override { return next_seq_; }
  std::optional<std::string> newest_id() const override;
  std::size_t size() const override { return live_; }
  std::size_t bytes() const override { return bytes_; }

  // Lets go of everything held; the numbering goes on (next_seq() stays). For a mirror
  // that learns it missed updates: resumes from the ids before them are told of a loss.
  void forget_all();
  // Lets go of every update up to `seq` (included), oldest first. For a mirror that ages
  // its updates out by a clock of its own (the cluster's --history-max-age).
  void forget_through(std::uint64_t seq);

  // What keeping `update` costs in memory: its frame, id and every topic string, plus an
  // estimate of the fixed overhead of the update, its shared_ptr control block and the
  // ring and id-index entries. Topics weigh as much as data: an update may name 100.
  static std::size_t held_bytes(const hub::Update& update);
  // What one topic of the per-topic index costs (key copy, map node, deque).
  static std::size_t index_entry_bytes(const std::string& topic);

 private:
  // A slot of the ring. A slot whose update was evicted from the middle (by the per-topic
  // bound) keeps its seq with a null update until compaction: erasing from the middle of
  // the ring on every publish would cost O(history).
  struct Slot {
    std::uint64_t seq;
    hub::UpdatePtr update;
  };

  void evict_oldest();
  void evict_for_topic(const std::string& topic);
  // Forgets `update` in the id and topic indexes and the counters; its slot is emptied
  // by the caller.
  void forget(const hub::Update& update);
  void compact_if_sparse();
  std::deque<Slot>::const_iterator slot_of(std::uint64_t seq) const;

  HistoryLimits limits_;
  std::deque<Slot> ring_;  // ascending seq; empty slots only while not compacted
  std::size_t live_ = 0;   // slots that hold an update
  std::size_t bytes_ = 0;
  // id -> seq of every held update with that id (ids may repeat); the key views the id
  // held by the update. A resume from a repeated id starts after its earliest occurrence.
  std::unordered_multimap<std::string_view, std::uint64_t> by_id_;
  // topic -> seqs of the held updates naming it, ascending; only with max_per_topic.
  std::unordered_map<std::string, std::deque<std::uint64_t>> by_topic_;
  std::uint64_t next_seq_ = 1;  // 0 means "before everything" to subscribers
};

}  // namespace herald::store
