#pragma once
// One shard's resumes being filtered. A resume may have to look at everything history
// holds; done in one go it would stall every other connection of the shard (publishers
// included) for as long as the biggest replay takes. Each resume is instead read a slice
// at a time, round robin with the other resumes and between the shard's other work: a
// publish waits at most one slice, and a short resume is not stuck behind a long one.
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "herald/hub/history.hpp"
#include "herald/hub/replay_filter.hpp"
#include "herald/hub/subscriber.hpp"

namespace herald::hub {

class ReplayQueue {
 public:
  // History entries looked at per slice: tens of microseconds of matching.
  static constexpr std::size_t kSliceEntries = 256;

  // Filters `snapshot` for `s` (registered with the fan-out meanwhile: its live updates
  // are held until its replay is handed over, then delivered after it).
  void add(Subscriber& s, ReplaySnapshot snapshot);
  // `s` is leaving: its replay is dropped and it is never called again.
  void remove(Subscriber& s);
  // Reads one slice of the resume whose turn it is; a finished resume hands its replay and
  // the live updates held meanwhile to its subscriber, then flushes it. Returns whether
  // work remains.
  bool run_slice();
  std::size_t pending() const { return jobs_.size(); }

 private:
  struct Job {
    Job(Subscriber& s, ReplaySnapshot snap) : subscriber(s), snapshot(std::move(snap)), filter(s) {}
    Subscriber& subscriber;
    ReplaySnapshot snapshot;  // keeps what it reads alive, without the hub's lock
    ReplayFilter filter;
    std::size_t run = 0;  // where reading goes on: snapshot.runs()[run], at `offset`
    std::size_t offset = 0;
    std::vector<UpdatePtr> wanted;
  };
  // Reads up to `budget` entries of `job`; returns whether it is done.
  static bool read(Job& job, std::size_t budget);
  static void hand_over(Job& job);

  std::deque<std::unique_ptr<Job>> jobs_;  // the front one's turn is next
};

}  // namespace herald::hub
