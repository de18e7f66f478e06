#pragma once
// The history interface: where updates are kept so a subscriber that reconnects with
// Last-Event-ID misses nothing. Backends live in lib/store. The Hub serializes every call
// under its own lock but the constants, availability and catch_up; a durable backend
// completes appends later, on its own thread (see append), and must let the reads below
// run meanwhile.
#include <cstdint>
#include <functional>
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

// How an append ended: kept (durable, for a durable store), or refused with a message a
// publisher can read (a full disk or map, a failed write). A refused update is never
// readable and never delivered; its seq is simply never used. A shared log can also end
// an append without knowing: the update was sent, and the answer was lost (the log went
// away, or did not answer in time). Such an update may still be kept and delivered.
struct AppendResult {
  std::string error;             // empty: kept
  bool outcome_unknown = false;  // with an error: it may have been kept all the same
  bool ok() const { return error.empty(); }
};
using AppendDone = std::function<void(AppendResult)>;

class History {
 public:
  // A durable backend completes what it has accepted, then stops its threads.
  virtual ~History() = default;

  // Keeps the update (the hub stamped update.seq with next_seq(), which moves on at once).
  // Ids may repeat: neither generation of the Mercure protocol forbids it.
  // Returns true when the update is kept already (a memory store): `done` is not called
  // (the hub passes none then).
  // Returns false when the store completes it later: `done` is then called exactly once,
  // on the store's thread and without the hub's lock, and completions come in append
  // order, so the hub hands updates to its shards in seq order. Until its completion an
  // update is invisible to read(), resume_point(), newest_id(), size() and bytes().
  virtual bool append(const UpdatePtr& update, AppendDone done) = 0;
  // Whether append() returns false (completes later), for every append: a constant.
  virtual bool completes_later() const = 0;

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

  // One past the newest seq that retention has let go of: a reader whose position is
  // below oldest_seq() - 1 has missed updates. (The seq of the oldest update held, or one
  // past the newest kept when none is held, is such a bound when every append was kept; a
  // store whose appends can fail must not count their unused seqs as evicted.)
  virtual std::uint64_t oldest_seq() const = 0;

  // The sequence number the next append gets; updates below it have been published.
  virtual std::uint64_t next_seq() const = 0;

  virtual std::optional<std::string> newest_id() const = 0;
  virtual std::size_t size() const = 0;
  virtual std::size_t bytes() const = 0;

  // A history shared by several hubs (lib/cluster: Redis Streams) is also their bus: it
  // delivers every kept update itself, this hub's appends and the other hubs' alike, in
  // the one order of the shared log, stamped with this hub's next seq. The hub hands
  // what it delivers to its shards, and nothing when an append completes.
  virtual bool is_shared() const { return false; }
  // Called once by the hub (shared histories only); `deliver` is called on the history's
  // thread, one update at a time, after the update is readable here. `lost` is called
  // there, in order with them, when the history learns that updates before the next one
  // were let go of by the shared log before this hub read them (it held fewer than this
  // hub was behind): the hub tells its subscribers, and the history holds none of what
  // came before (a resume from those ids is told of the loss too).
  virtual void deliver_to(std::function<void(const UpdatePtr&)> /*deliver*/,
                          std::function<void()> /*lost*/) {}
  // What it can do now: a shared history keeps no update while its log is out of reach,
  // and takes no subscriber before it first read the log (it would hand them the log's
  // old updates as new ones); between outages it keeps serving its subscribers.
  struct Availability {
    bool appends = true;
    bool subscribes = true;
    std::string reason;  // why not, when one is false
  };
  // Thread-safe: the hub asks on every subscribe without its lock, so a history whose
  // answer changes guards it itself.
  virtual Availability availability() const { return {}; }
  // Calls `done(true)` once this hub has received everything the shared log held when it
  // was called, so that a subscriber resuming here from an id another hub delivered
  // finds it; `done(false)` when it cannot tell (the log is out of reach: what another
  // hub delivered may not be here yet). At once for a history that is not shared; on
  // any thread. The hub calls it without its lock (`done` may subscribe).
  virtual void catch_up(std::function<void(bool caught_up)> done) { done(true); }
};

}  // namespace herald::hub
