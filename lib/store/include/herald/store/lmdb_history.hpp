#pragma once
// The durable history: every kept update in an LMDB environment in one directory, written
// by one thread with group commit, so that a publish is acknowledged only once its update
// is kept as the sync mode promises, and a hub that restarts resumes every subscriber
// exactly. The newest updates are also held in memory, so the common resume (a client
// that just lost its connection) reads no disk.
//
// append() only queues the update and returns false; the writer thread takes everything
// queued, writes it in one write transaction, commits, and then calls each `done` in
// order (on the writer thread, holding none of its locks). A commit that fails (a full
// map, a failed write) refuses its whole group: each `done` gets an error and nothing of
// the group is readable. Retention (count, bytes, age, per topic) runs on the writer
// thread too, a slice of deletions per transaction between groups, so publishes never
// wait for a large eviction.
//
// Files in DIR: data.mdb and lock.mdb (LMDB's), herald.lock (flock: one herald per DIR).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/history.hpp"
#include "herald/store/memory_history.hpp"

namespace herald::store {

// When an acknowledged update is on disk.
enum class SyncMode {
  // Every group commit is fsynced before any update of the group is acknowledged: an
  // acknowledged update survives a power loss. One fsync covers the whole group.
  full,
  // Acknowledged once the commit reached the operating system (written, not fsynced): an
  // acknowledged update survives the process dying (kill -9, a crash), not a power loss
  // or a kernel crash. The writer fsyncs every 100 ms, so a power loss takes at most about
  // the last 100 ms of updates; as LMDB warns for MDB_NOSYNC, it may also leave the file
  // corrupt. Like Redis's `appendfsync everysec`.
  batch,
  // Never fsynced while running: the OS writes back when it decides (a clean shutdown
  // syncs once). Like batch when the process dies; no bound on what a power loss takes.
  off,
};

struct LmdbOptions {
  std::filesystem::path directory;  // created if missing
  // The most the file may grow to (LMDB's map size, --lmdb-map-size). When it is full,
  // appends are refused and the oldest updates are dropped until appends fit again.
  std::size_t map_size = std::size_t{1} << 30;
  SyncMode sync = SyncMode::full;
  // max_bytes counts the stored records (frame, id, topics and a few bytes each), not the
  // memory an update takes. An update with several topics counts for each (max_per_topic).
  // Bounds lowered at a restart apply at once in slices, except max_per_topic, which a
  // topic meets at its next update.
  HistoryLimits limits;
  std::chrono::seconds max_age{0};  // 0: updates do not expire
  // Updates kept in memory as well (the newest ones).
  std::size_t recent_updates = 4096;
  // When an update is published, for max_age (tests inject a clock they move).
  std::function<std::chrono::system_clock::time_point()> clock;  // empty: system_clock
};

class LmdbHistory final : public hub::History {
 public:
  // Opens DIR, or creates it. Throws std::runtime_error naming the file and the reason
  // when it cannot: another herald holds DIR, data.mdb is corrupt or truncated or of
  // another format version, ...
  explicit LmdbHistory(LmdbOptions options);
  // Stops taking appends, writes and completes everything queued, then stops the writer.
  ~LmdbHistory() override;

  bool append(const hub::UpdatePtr& update, hub::AppendDone done) override;
  bool completes_later() const override { return true; }
  hub::ResumePoint resume_point(std::string_view last_event_id) const override;
  std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                     std::vector<hub::UpdatePtr>& out) const override;
  std::uint64_t oldest_seq() const override;
  std::uint64_t next_seq() const override;
  std::optional<std::string> newest_id() const override;
  std::size_t size() const override;
  std::size_t bytes() const override;

 private:
  class Writer;
  std::unique_ptr<Writer> writer_;
};

}  // namespace herald::store
