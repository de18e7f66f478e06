#pragma once
// One subscriber's order accounting: it should see sequence numbers first..last exactly
// once each, in order. In-order arrival is one comparison; a jump records the skipped
// range as a gap, and a later arrival inside a gap is "reordered" rather than lost, so
// missing, duplicate and reordered events are told apart exactly.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace herald::loadgen {

class SequenceTracker {
 public:
  enum class Verdict { in_order, after_gap, reordered, duplicate, unexpected };
  // Gaps tracked per subscriber; past this a late arrival is counted as a duplicate.
  static constexpr std::size_t max_gaps = 256;

  // Expects first..last inclusive; last < first expects nothing.
  void expect(std::uint64_t first, std::uint64_t last);
  Verdict on_seq(std::uint64_t seq);

  // Every expected event has arrived.
  bool complete() const { return next_ > last_ && gaps_.empty() && untracked_missing_ == 0; }
  std::uint64_t expected() const { return last_ >= first_ ? last_ - first_ + 1 : 0; }
  std::uint64_t delivered() const { return delivered_; }  // distinct expected events seen
  std::uint64_t missing() const;
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t reordered() const { return reordered_; }
  std::uint64_t unexpected() const { return unexpected_; }  // outside first..last

 private:
  struct Gap {
    std::uint64_t from;
    std::uint64_t to;  // inclusive
  };

  std::uint64_t first_ = 1;
  std::uint64_t last_ = 0;
  std::uint64_t next_ = 1;  // the sequence number that would be in order
  std::vector<Gap> gaps_;   // empty unless something went wrong: no cost when all is well
  std::uint64_t untracked_missing_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t unexpected_ = 0;
};

}  // namespace herald::loadgen
