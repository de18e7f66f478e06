#pragma once
// The history interface: where updates are kept so a subscriber that reconnects with
// Last-Event-ID misses nothing. Backends live in lib/store. Implementations need not be
// thread-safe: the Hub serializes every call under its own lock.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/update.hpp"

namespace herald::hub {

// How a resume point was understood; logged and counted by the server.
enum class ReplayFrom {
  none,      // no Last-Event-ID: live events only
  after_id,  // the id is in history: everything after it
  earliest,  // `earliest` asked for everything held
  unknown,   // the id is not held (evicted, or from elsewhere): everything held
};

// What a resume must replay, oldest first: runs of updates that history holds, each kept
// alive by its owner. Taking it costs the history one step per run, not per update, so the
// hub's lock is held for a moment however much history holds; reading it needs no lock.
class ReplaySnapshot {
 public:
  struct Run {
    std::shared_ptr<const void> owner;
    std::span<const UpdatePtr> updates;  // null entries were evicted before the snapshot
  };

  void add(Run run) {
    entries_ += run.updates.size();
    runs_.push_back(std::move(run));
  }
  const std::vector<Run>& runs() const { return runs_; }
  // Entries to look at (evicted ones included): what reading the snapshot costs.
  std::size_t entries() const { return entries_; }
  bool empty() const { return entries_ == 0; }

 private:
  std::vector<Run> runs_;
  std::size_t entries_ = 0;
};

class History {
 public:
  virtual ~History() = default;

  // Keeps the update (the hub stamped update.seq with next_seq()). Ids may repeat: neither
  // generation of the Mercure protocol forbids it.
  virtual void append(const UpdatePtr& update) = 0;

  // Adds to `out`, oldest first, what a subscriber resuming from `last_event_id` missed.
  // An empty id means no resume; a repeated id resumes after its earliest occurrence
  // still held. Costs no work per held update: the hub calls it under its lock.
  virtual ReplayFrom replay(std::string_view last_event_id, ReplaySnapshot& out) const = 0;

  // The sequence number the next append gets; updates below it have been published.
  virtual std::uint64_t next_seq() const = 0;

  virtual std::optional<std::string> newest_id() const = 0;
  virtual std::size_t size() const = 0;
  virtual std::size_t bytes() const = 0;
};

}  // namespace herald::hub
