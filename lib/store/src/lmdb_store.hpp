#pragma once
// The LMDB side of LmdbHistory: one environment in a directory, its tables, and the few
// operations the history needs, each keeping the indexes in step with `events`.
//
// Tables (named databases):
//   events  seq (8 bytes big-endian, so key order is seq order) -> record
//   (herald/store/update_record.hpp) ids     id key -> seq, DUPSORT|DUPFIXED: a repeated id lists
//   its seqs in ascending order topics  topic key -> seq, DUPSORT|DUPFIXED: for the per-topic bound
//   meta    name -> value: format version, evicted-through seq, record bytes
// An id or topic longer than LMDB's key limit (511 bytes) is keyed by its prefix and a hash
// of the whole (index_key): an id lookup then checks the record's id; two long topics
// alike in their first 500 bytes whose 64-bit hashes collide would share a per-topic count.
#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "herald/base/log_limiter.hpp"
#include "herald/hub/update.hpp"
#include "herald/store/update_record.hpp"

namespace herald::store::lmdb {

// An LMDB call failed; `code` is LMDB's (or errno).
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& what);
  int code;
};

class WriteTxn;

class Store {
 public:
  // What was found in the directory at open.
  struct Summary {
    std::uint64_t last_seq = 0;         // the newest stored seq (0: none)
    std::uint64_t evicted_through = 0;  // see meta
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;  // of the stored records
    std::optional<std::string> newest_id;
  };

  // Creates `dir` if missing, takes DIR/herald.lock, reads an existing data.mdb whole in
  // a forked child (every page and record; an empty file is refused), then opens or
  // creates the environment. Call it while the process has no other thread (see
  // check_in_child in lmdb_store.cpp). `sync_each_commit`: fsync in every commit (else MDB_NOSYNC).
  // Throws std::runtime_error naming the file and the reason.
  Store(const std::filesystem::path& dir, std::size_t map_size, bool sync_each_commit);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Summary& summary() const { return summary_; }
  // fsync what earlier commits wrote (with MDB_NOSYNC). Throws Error.
  void sync();

  // Reads, from any thread (one at a time: they share one cached read transaction).
  // The earliest held seq carrying `id`, at most `visible_through`.
  std::optional<std::uint64_t> earliest_seq_of(std::string_view id, std::uint64_t visible_through);
  // Appends to `out` the updates with seq in (after, up_to], at most `max` of them; returns
  // the seq of the last one appended when `max` stopped it with more left, else up_to.
  // A record that does not decode is skipped (and logged).
  std::uint64_t read(std::uint64_t after, std::uint64_t up_to, std::size_t& max,
                     std::vector<hub::UpdatePtr>& out);

 private:
  friend class WriteTxn;
  class ReadTxn;

  void close();
  void open_tables();
  void load_summary(const std::filesystem::path& data);
  void log_bad_record(std::uint64_t seq);

  std::filesystem::path dir_;
  int lock_fd_ = -1;
  MDB_env* env_ = nullptr;
  MDB_dbi events_ = 0, ids_ = 0, topics_ = 0, meta_ = 0;
  std::size_t max_key_ = 0;
  Summary summary_;
  std::mutex read_mutex_;
  MDB_txn* read_txn_ = nullptr;  // reset between reads (holds no snapshot), renewed on use
  log::LineLimiter bad_record_log_{std::chrono::seconds(10)};
};

// A write transaction; aborted unless committed. The writer thread's only.
class WriteTxn {
 public:
  explicit WriteTxn(Store& store);  // throws Error
  ~WriteTxn();
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  // Stores `record` (the encoding of `update`) under update.seq, indexed by id and topic.
  void insert(const hub::Update& update, std::string_view record);
  // Deletes the event `seq` and its index entries; returns its record's size (0: none).
  std::size_t erase(std::uint64_t seq);
  std::optional<std::uint64_t> first_seq();
  // When the oldest stored event was published (none when nothing is stored or its record
  // does not decode).
  std::optional<std::int64_t> first_published_ms();
  // Drops the entry of `topic` for `seq` alone: its event is gone (or its record could not
  // be decoded when it was deleted, so its index entries could not be found).
  void forget_topic_entry(std::string_view topic, std::uint64_t seq);
  // How many stored events name `topic`, and the oldest of them.
  std::size_t topic_count(std::string_view topic, std::uint64_t* oldest);
  void put_meta(std::string_view name, std::uint64_t value);
  void commit();  // throws Error; the transaction is over either way

 private:
  Store& store_;
  MDB_txn* txn_ = nullptr;
};

}  // namespace herald::store::lmdb
