#include "herald/store/lmdb_history.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "herald/base/log.hpp"
#include "herald/store/update_record.hpp"
#include "lmdb_store.hpp"
#include "recent_updates.hpp"

namespace herald::store {

namespace {

// Deletions per write transaction: a large eviction (a lowered bound at restart, a burst
// of expiries) is spread over transactions so that groups of appends go in between.
constexpr std::size_t kTrimSlice = 2000;
constexpr auto kBatchSyncEvery = std::chrono::milliseconds(100);
// How often an idle writer looks for expired updates (with max_age).
constexpr auto kAgeCheckEvery = std::chrono::milliseconds(250);

}  // namespace

class LmdbHistory::Writer {
 public:
  explicit Writer(LmdbOptions options);
  ~Writer();

  void enqueue(const hub::UpdatePtr& update, hub::AppendDone done);
  hub::ResumePoint resume_point(std::string_view last_event_id);
  std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                     std::vector<hub::UpdatePtr>& out);
  std::uint64_t oldest_seq() const;
  std::uint64_t next_seq() const { return next_seq_.load(std::memory_order_relaxed); }
  std::optional<std::string> newest_id() const;
  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct Pending {
    hub::UpdatePtr update;
    hub::AppendDone done;
  };
  struct Counters {
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;            // of the stored records
    std::uint64_t evicted_through = 0;  // oldest_seq() - 1
  };
  // What a transaction changed, for the readers' view once it is committed.
  struct Changes {
    std::size_t kept = 0;
    std::vector<std::uint64_t> deleted;
  };

  void run();
  std::chrono::steady_clock::time_point next_wakeup() const;
  void write_group(std::vector<Pending>& group);
  void trim_when_idle();
  void make_room();
  // Deletes the oldest updates while a bound is passed, at most `budget` of them; true when
  // the budget ran out first.
  bool trim(lmdb::WriteTxn& txn, Counters& counters, std::size_t budget, Changes& changes);
  void trim_topic(lmdb::WriteTxn& txn, const std::string& topic, Counters& counters,
                  Changes& changes);
  // Deletes the update `seq`; false when it was not stored.
  bool erase(lmdb::WriteTxn& txn, std::uint64_t seq, Counters& counters, Changes& changes);
  void settle_evicted_through(lmdb::WriteTxn& txn, Counters& counters);
  // Makes a committed transaction visible to readers. A group's updates become visible
  // one at a time, each just before its `done`, so none is readable before its completion.
  void complete(std::vector<Pending>& group, std::vector<hub::AppendResult>& results,
                const Changes& changes, const Counters& counters);
  void publish_deletions(const Changes& changes, const Counters& counters);
  // Batch mode's own thread: fsyncs what was committed since its last tick, so the writer
  // never waits for the disk (fdatasync on LMDB's file may run beside a write).
  void run_syncer();
  std::int64_t now_ms() const;

  const LmdbOptions options_;
  lmdb::Store store_;
  std::atomic<std::uint64_t> next_seq_;

  // Shared with the hub's threads, under mutex_. Never held while a `done` runs: `done`
  // takes the hub's lock, under which the hub calls append().
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::uint64_t visible_through_;  // every append up to it has completed
  Counters visible_;
  std::optional<std::string> newest_id_;
  RecentUpdates recent_;

  // The writer thread's own.
  Counters written_;               // as of the last commit
  std::uint64_t handled_through_;  // the newest seq whose append completed
  // Seqs of refused appends above evicted_through: they are not "let go of" (see
  // History::oldest_seq). Every seq in (evicted_through, refused_below_) was refused.
  // Kept in memory only: after a restart, a seq refused before it between stored updates
  // counts as let go of once retention passes it (a reader there is told it missed
  // updates it did not); refused seqs above the newest stored one are simply reused.
  std::set<std::uint64_t> refused_;
  std::uint64_t refused_below_;
  // Learnt from a full map: store at most this many record bytes, so appends fit again.
  std::uint64_t map_full_bytes_ = UINT64_MAX;
  bool trim_pending_ = true;  // the bounds may have shrunk since the last run
  bool make_room_ = false;    // a commit found the map full: trim before the next group
  std::chrono::steady_clock::time_point next_age_check_;
  std::thread thread_;

  std::atomic<bool> unsynced_ = false;  // commits since the last fsync
  std::mutex sync_mutex_;
  std::condition_variable sync_wake_;
  bool sync_stopping_ = false;
  std::thread syncer_;
};

LmdbHistory::Writer::Writer(LmdbOptions options)
    : options_(std::move(options)),
      store_(options_.directory, options_.map_size, options_.sync == SyncMode::full),
      next_seq_(std::max(store_.summary().last_seq, store_.summary().evicted_through) + 1),
      visible_through_(next_seq() - 1),
      visible_{store_.summary().events, store_.summary().bytes, store_.summary().evicted_through},
      newest_id_(store_.summary().newest_id),
      recent_(options_.recent_updates, next_seq()),
      written_(visible_),
      handled_through_(visible_through_),
      refused_below_(visible_.evicted_through + 1),
      next_age_check_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] { run(); });
  if (options_.sync == SyncMode::batch) syncer_ = std::thread([this] { run_syncer(); });
}

LmdbHistory::Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();  // syncs what is left, with batch and off
  if (syncer_.joinable()) {
    {
      std::lock_guard lock(sync_mutex_);
      sync_stopping_ = true;
    }
    sync_wake_.notify_one();
    syncer_.join();
  }
}

void LmdbHistory::Writer::enqueue(const hub::UpdatePtr& update, hub::AppendDone done) {
  next_seq_.fetch_add(1, std::memory_order_relaxed);
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back({update, std::move(done)});
  }
  // A non-empty queue has woken the writer already (it takes the whole queue at once).
  if (was_empty) wake_.notify_one();
}

std::int64_t LmdbHistory::Writer::now_ms() const {
  const auto now = options_.clock ? options_.clock() : std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

std::chrono::steady_clock::time_point LmdbHistory::Writer::next_wakeup() const {
  auto at = std::chrono::steady_clock::now() + std::chrono::hours(1);
  if (options_.max_age.count() != 0) at = std::min(at, next_age_check_);
  return at;
}

void LmdbHistory::Writer::run() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_wakeup(),
                       [&] { return !queue_.empty() || stopping_ || trim_pending_; });
      group.swap(queue_);
      if (group.empty() && stopping_) break;
    }
    if (make_room_) make_room();
    if (!group.empty()) {
      write_group(group);
      group.clear();
    } else {
      trim_when_idle();
    }
  }
  if (options_.sync != SyncMode::full) {
    try {
      store_.sync();
    } catch (const lmdb::Error&) {
      // Nothing is left to report it to: the OS writes back what it holds.
    }
  }
}

void LmdbHistory::Writer::write_group(std::vector<Pending>& group) {
  std::vector<hub::AppendResult> results(group.size());
  Counters counters = written_;
  Changes changes;
  handled_through_ = group.back().update->seq;
  try {
    lmdb::WriteTxn txn(store_);
    const std::int64_t published = now_ms();
    for (std::size_t i = 0; i < group.size(); ++i) {
      const hub::Update& update = *group[i].update;
      // A history of size 0 keeps nothing: the update is let go of at once.
      if (options_.limits.max_events == 0) continue;
      auto record = encode_record(update, published);
      if (!record) {
        results[i].error = "the update is too large for the history store";
        refused_.insert(update.seq);
        continue;
      }
      txn.insert(update, *record);
      ++counters.events;
      counters.bytes += record->size();
      ++changes.kept;
      if (options_.limits.max_per_topic != 0) {
        for (const std::string& topic : update.topics)
          trim_topic(txn, topic, counters, changes);
      }
    }
    trim_pending_ = trim(txn, counters, kTrimSlice, changes);
    settle_evicted_through(txn, counters);
    txn.put_meta("bytes", counters.bytes);
    txn.commit();
  } catch (const lmdb::Error& e) {
    // Nothing of the group was committed: none of it may be acknowledged or read.
    std::string error;
    if (e.code == MDB_MAP_FULL) {
      error = "history store is full (LMDB map of " + std::to_string(options_.map_size >> 20) +
              " MiB; dropping the oldest updates to make room)";
      map_full_bytes_ = written_.bytes / 4 * 3;
      trim_pending_ = make_room_ = true;
    } else {
      error = std::string("history store write failed (") + e.what() + ")";
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      results[i].error = error;
      refused_.insert(group[i].update->seq);
    }
    counters = written_;
    changes = {};
  }
  written_ = counters;
  if (changes.kept != 0) unsynced_.store(true, std::memory_order_release);
  complete(group, results, changes, counters);
}

void LmdbHistory::Writer::complete(std::vector<Pending>& group,
                                   std::vector<hub::AppendResult>& results, const Changes& changes,
                                   const Counters& counters) {
  std::vector<std::uint64_t> deleted = changes.deleted;
  std::sort(deleted.begin(), deleted.end());
  for (std::size_t i = 0; i < group.size(); ++i) {
    const hub::UpdatePtr& update = group[i].update;
    {
      std::lock_guard lock(mutex_);
      visible_through_ = update->seq;
      // Kept, and not already let go of by the same transaction (a bound of one update).
      const bool kept = results[i].ok() && options_.limits.max_events != 0;
      if (kept && !std::binary_search(deleted.begin(), deleted.end(), update->seq)) {
        recent_.push(update);
        newest_id_ = update->id;
      }
    }
    // The counters and deletions with the last one: until then they lag, never lead.
    if (i + 1 == group.size()) publish_deletions(changes, counters);
    if (group[i].done) group[i].done(std::move(results[i]));
  }
}

void LmdbHistory::Writer::trim_when_idle() {
  const bool age_due =
      options_.max_age.count() != 0 && std::chrono::steady_clock::now() >= next_age_check_;
  if (!trim_pending_ && !age_due) return;
  if (age_due) next_age_check_ = std::chrono::steady_clock::now() + kAgeCheckEvery;
  Counters counters = written_;
  Changes changes;
  try {
    lmdb::WriteTxn txn(store_);
    trim_pending_ = trim(txn, counters, kTrimSlice, changes);
    if (changes.deleted.empty()) return;
    settle_evicted_through(txn, counters);
    txn.put_meta("bytes", counters.bytes);
    txn.commit();
  } catch (const lmdb::Error&) {
    // Tried again with the next group or timer: retention is no reason to refuse anything.
    trim_pending_ = false;
    return;
  }
  written_ = counters;
  publish_deletions(changes, counters);
}

// After a full map, before the next group. Deleting in the group's own transaction would
// free nothing for it: LMDB reuses the pages a transaction frees only once no snapshot
// can still see them, which is two commits later (the previous meta page keeps the one
// before alive). Hence the trim, then one more commit that only rewrites meta.
void LmdbHistory::Writer::make_room() {
  make_room_ = false;
  while (trim_pending_)
    trim_when_idle();
  try {
    lmdb::WriteTxn txn(store_);
    txn.put_meta("bytes", written_.bytes);
    txn.commit();
  } catch (const lmdb::Error&) {
    // The next group finds the map still full and tries again.
  }
}

bool LmdbHistory::Writer::trim(lmdb::WriteTxn& txn, Counters& counters, std::size_t budget,
                               Changes& changes) {
  const std::uint64_t max_bytes =
      std::min<std::uint64_t>(options_.limits.max_bytes, map_full_bytes_);
  const std::int64_t max_age_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.max_age).count();
  const std::int64_t now = max_age_ms != 0 ? now_ms() : 0;
  // Keep at least the newest update, even when it alone is over a bound.
  while (counters.events > 1) {
    bool over = counters.events > options_.limits.max_events || counters.bytes > max_bytes;
    if (!over && max_age_ms != 0) {
      auto published = txn.first_published_ms();
      over = published && *published <= now - max_age_ms;
    }
    if (!over) return false;
    if (budget-- == 0) return true;
    auto oldest = txn.first_seq();
    if (!oldest) return false;
    erase(txn, *oldest, counters, changes);
  }
  return false;
}

void LmdbHistory::Writer::trim_topic(lmdb::WriteTxn& txn, const std::string& topic,
                                     Counters& counters, Changes& changes) {
  std::uint64_t oldest = 0;
  // The oldest update naming the topic goes entirely (it may leave other topics too).
  while (txn.topic_count(topic, &oldest) > options_.limits.max_per_topic) {
    if (!erase(txn, oldest, counters, changes)) txn.forget_topic_entry(topic, oldest);
  }
}

bool LmdbHistory::Writer::erase(lmdb::WriteTxn& txn, std::uint64_t seq, Counters& counters,
                                Changes& changes) {
  const std::size_t size = txn.erase(seq);
  if (size == 0) return false;
  --counters.events;
  counters.bytes -= std::min<std::uint64_t>(size, counters.bytes);
  changes.deleted.push_back(seq);
  return true;
}

// evicted_through is the newest seq below the oldest stored update that was kept and then
// let go of: every seq below the oldest stored one was either let go of or refused, and a
// refused one was never there to miss. A deletion in the middle (per topic) moves nothing
// until the updates before it are gone too, as in MemoryHistory.
void LmdbHistory::Writer::settle_evicted_through(lmdb::WriteTxn& txn, Counters& counters) {
  const std::uint64_t below = txn.first_seq().value_or(handled_through_ + 1);
  std::uint64_t seq = below - 1;
  while (seq > counters.evicted_through) {
    if (seq < refused_below_) {
      seq = counters.evicted_through;
      break;
    }
    if (!refused_.contains(seq)) break;
    --seq;
  }
  refused_below_ = std::max(refused_below_, below);
  refused_.erase(refused_.begin(), refused_.lower_bound(below));
  if (seq > counters.evicted_through) {
    counters.evicted_through = seq;
    txn.put_meta("evicted_through", seq);
  }
}

void LmdbHistory::Writer::publish_deletions(const Changes& changes, const Counters& counters) {
  std::lock_guard lock(mutex_);
  visible_ = counters;
  for (std::uint64_t seq : changes.deleted)
    recent_.forget(seq);
}

void LmdbHistory::Writer::run_syncer() {
  std::unique_lock lock(sync_mutex_);
  while (!sync_wake_.wait_for(lock, kBatchSyncEvery, [&] { return sync_stopping_; })) {
    if (!unsynced_.exchange(false, std::memory_order_acq_rel)) continue;
    lock.unlock();
    try {
      store_.sync();
    } catch (const lmdb::Error&) {
      unsynced_.store(true, std::memory_order_release);  // tried again at the next tick
    }
    lock.lock();
  }
}

hub::ResumePoint LmdbHistory::Writer::resume_point(std::string_view last_event_id) {
  if (last_event_id.empty()) return {hub::ReplayFrom::none, next_seq() - 1};
  std::uint64_t visible_through;
  hub::ResumePoint point{hub::ReplayFrom::unknown, 0};
  {
    std::lock_guard lock(mutex_);
    visible_through = visible_through_;
    point.after_seq = visible_.evicted_through;
  }
  if (last_event_id == "earliest") {
    point.from = hub::ReplayFrom::earliest;
    return point;
  }
  try {
    if (auto seq = store_.earliest_seq_of(last_event_id, visible_through))
      point = {hub::ReplayFrom::after_id, *seq};
  } catch (const lmdb::Error& e) {
    // Called on a hub shard's thread: a read that fails is an id not held (the client
    // is told it missed updates), never an exception through the hub.
    log::error("history read failed", {{"error", e.what()}});
  }
  return point;
}

std::uint64_t LmdbHistory::Writer::read(std::uint64_t after_seq, std::uint64_t up_to_seq,
                                        std::size_t max, std::vector<hub::UpdatePtr>& out) {
  for (;;) {
    std::uint64_t up_to, floor;
    {
      std::lock_guard lock(mutex_);
      // Committed but not yet acknowledged updates stay invisible.
      up_to = std::min(up_to_seq, visible_through_);
      floor = recent_.floor();
      if (after_seq + 1 >= floor) return recent_.read(after_seq, up_to, max, out);
    }
    // Below the memory's floor: from disk, then on from memory (whose floor may have
    // risen meanwhile: the loop reads what it let go of from disk as well).
    const std::uint64_t disk_up_to = std::min(up_to, floor - 1);
    std::uint64_t reached = disk_up_to;
    try {
      reached = store_.read(after_seq, disk_up_to, max, out);
    } catch (const lmdb::Error& e) {
      // As in resume_point: what could not be read is not held; the reader goes on past it.
      log::error("history read failed", {{"error", e.what()}});
    }
    if (reached < disk_up_to || disk_up_to == up_to) return reached;
    after_seq = disk_up_to;
  }
}

std::uint64_t LmdbHistory::Writer::oldest_seq() const {
  std::lock_guard lock(mutex_);
  return visible_.evicted_through + 1;
}

std::optional<std::string> LmdbHistory::Writer::newest_id() const {
  std::lock_guard lock(mutex_);
  return newest_id_;
}

std::size_t LmdbHistory::Writer::size() const {
  std::lock_guard lock(mutex_);
  return visible_.events;
}

std::size_t LmdbHistory::Writer::bytes() const {
  std::lock_guard lock(mutex_);
  return visible_.bytes;
}

LmdbHistory::LmdbHistory(LmdbOptions options)
    : writer_(std::make_unique<Writer>(std::move(options))) {}

LmdbHistory::~LmdbHistory() = default;

bool LmdbHistory::append(const hub::UpdatePtr& update, hub::AppendDone done) {
  writer_->enqueue(update, std::move(done));
  return false;
}

hub::ResumePoint LmdbHistory::resume_point(std::string_view last_event_id) const {
  return writer_->resume_point(last_event_id);
}

std::uint64_t LmdbHistory::read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                                std::vector<hub::UpdatePtr>& out) const {
  return writer_->read(after_seq, up_to_seq, max, out);
}

std::uint64_t LmdbHistory::oldest_seq() const {
  return writer_->oldest_seq();
}
std::uint64_t LmdbHistory::next_seq() const {
  return writer_->next_seq();
}
std::optional<std::string> LmdbHistory::newest_id() const {
  return writer_->newest_id();
}
std::size_t LmdbHistory::size() const {
  return writer_->size();
}
std::size_t LmdbHistory::bytes() const {
  return writer_->bytes();
}

}  // namespace herald::store
