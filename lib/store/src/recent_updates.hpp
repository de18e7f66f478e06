#pragma once
// The newest kept updates of the LMDB history, in memory: a subscriber catching up on what
// it just missed (the common resume) reads them without touching the disk or decoding.
#include <cstdint>
#include <deque>
#include <vector>

#include "herald/hub/update.hpp"

namespace herald::store {

class RecentUpdates {
 public:
  // Holds at most `capacity` updates; knows everything kept from seq `floor` on.
  RecentUpdates(std::size_t capacity, std::uint64_t floor);

  // Every kept update with seq >= floor() is here; below it, ask the store.
  std::uint64_t floor() const { return floor_; }
  // A newly kept update, newer than every other.
  void push(const hub::UpdatePtr& update);
  // Retention deleted `seq` (from the front or, per topic, from the middle).
  void forget(std::uint64_t seq);
  // History::read for after_seq + 1 >= floor(); `max` counts down.
  std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t& max,
                     std::vector<hub::UpdatePtr>& out) const;

 private:
  // A slot forgotten from the middle keeps its seq with a null update until it reaches
  // the front: erasing from the middle of a deque costs O(size).
  struct Slot {
    std::uint64_t seq;
    hub::UpdatePtr update;
  };
  void drop_front();

  std::size_t capacity_;
  std::uint64_t floor_;
  std::deque<Slot> slots_;  // ascending seq
};

}  // namespace herald::store
