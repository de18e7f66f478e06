#include "herald/loadgen/sequence_tracker.hpp"

namespace herald::loadgen {

void SequenceTracker::expect(std::uint64_t first, std::uint64_t last) {
  *this = SequenceTracker{};
  first_ = first;
  last_ = last;
  next_ = first;
}

SequenceTracker::Verdict SequenceTracker::on_seq(std::uint64_t seq) {
  if (seq == next_ && seq <= last_) {
    ++next_;
    ++delivered_;
    return Verdict::in_order;
  }
  if (seq < first_ || seq > last_) {
    ++unexpected_;
    return Verdict::unexpected;
  }
  if (seq > next_) {
    if (gaps_.size() < max_gaps) {
      gaps_.push_back({next_, seq - 1});
    } else {
      untracked_missing_ += seq - next_;
    }
    next_ = seq + 1;
    ++delivered_;
    return Verdict::after_gap;
  }
  // seq < next_: either it fills a gap (arrived late) or we had it already.
  for (std::size_t i = 0; i < gaps_.size(); ++i) {
    Gap& g = gaps_[i];
    if (seq < g.from || seq > g.to) continue;
    if (g.from == g.to) {
      gaps_.erase(gaps_.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (seq == g.from) {
      ++g.from;
    } else if (seq == g.to) {
      --g.to;
    } else {
      Gap tail{seq + 1, g.to};
      g.to = seq - 1;
      gaps_.insert(gaps_.begin() + static_cast<std::ptrdiff_t>(i) + 1, tail);
    }
    ++delivered_;
    ++reordered_;
    return Verdict::reordered;
  }
  ++duplicates_;
  return Verdict::duplicate;
}

std::uint64_t SequenceTracker::missing() const {
  std::uint64_t n = untracked_missing_;
  for (const Gap& g : gaps_)
    n += g.to - g.from + 1;
  if (next_ <= last_) n += last_ - next_ + 1;
  return n;
}

}  // namespace herald::loadgen
