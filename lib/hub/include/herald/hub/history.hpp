#pragma once
// The history interface: where updates are kept so a subscriber that reconnects with
// Last-Event-ID misses nothing. Backends live in lib/store. Implementations need not be
// thread-safe: the Hub serializes every call under its own lock.
#include <cstdint>
#include <optional>
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

struct ResumePoint {
  ReplayFrom from = ReplayFrom::none;
  std::uint64_t after_seq = 0;  // replay the updates above it (with from != none)
};

class History {
 public:
  virtual ~History() = default;

  // Keeps the update (the hub stamped update.seq with next_seq()). Ids may repeat: neither
  // generation of the Mercure protocol forbids it.
  virtual void append(const UpdatePtr& update) = 0;

  // Where a subscriber resuming from `last_event_id` starts: the seq after which it
  // replays. An empty id means no resume; a repeated id resumes after its earliest
  // occurrence still held; an unknown one (evicted, or from elsewhere) replays all held.
  virtual ResumePoint resume_point(std::string_view last_event_id) const = 0;

  // Appends to `out`, oldest first, at most `max` held updates whose seq is in
  // (`after_seq`, `up_to_seq`]; returns the seq reading got to (`up_to_seq` when nothing
  // of that range is left). Costs O(log held + max): the hub calls it under its lock, a
  // slice at a time, so a replay never pins what history has since evicted.
  virtual std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                             std::vector<UpdatePtr>& out) const = 0;

  // The seq of the oldest update held (next_seq() when none): a reader whose position is
  // below it has missed what was evicted meanwhile.
  virtual std::uint64_t oldest_seq() const = 0;

  // The sequence number the next append gets; updates below it have been published.
  virtual std::uint64_t next_seq() const = 0;

  virtual std::optional<std::string> newest_id() const = 0;
  virtual std::size_t size() const = 0;
  virtual std::size_t bytes() const = 0;
};

}  // namespace herald::hub
