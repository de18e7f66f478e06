#include "lmdb_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace herald::store::lmdb {

namespace {

constexpr std::uint64_t kFormatVersion = 1;
constexpr unsigned kTableCount = 4;

using SeqKey = std::array<char, 8>;

SeqKey seq_key(std::uint64_t seq) {
  SeqKey key;
  for (int i = 7; i >= 0; --i, seq >>= 8)
    key[i] = static_cast<char>(seq & 0xff);
  return key;
}

std::uint64_t seq_of(const MDB_val& v) {
  std::uint64_t seq = 0;
  const auto* bytes = static_cast<const unsigned char*>(v.mv_data);
  for (std::size_t i = 0; i < 8 && i < v.mv_size; ++i)
    seq = (seq << 8) | bytes[i];
  return seq;
}

MDB_val val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};
}
MDB_val val(const SeqKey& key) {
  return val(key.data(), key.size());
}
MDB_val val(std::string_view s) {
  return val(s.data(), s.size());
}
std::string_view view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// A stable 64-bit hash (FNV-1a) for keys over LMDB's limit: it is stored on disk, so it
// must not change between builds the way std::hash may.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// The key of an id or topic in its index: a tag byte (so an empty name is a valid key)
// then the name itself, or, when that is over LMDB's key limit, its prefix and its hash.
constexpr char kExactKey = 0, kHashedKey = 1;
std::string index_key(std::string_view name, std::size_t max_key) {
  std::string key;
  if (1 + name.size() <= max_key) {
    key.reserve(1 + name.size());
    key.push_back(kExactKey);
    key.append(name);
    return key;
  }
  key.push_back(kHashedKey);
  key.append(name.substr(0, max_key - 1 - 8));
  const SeqKey hash = seq_key(fnv1a(name));
  key.append(hash.data(), hash.size());
  return key;
}

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw Error(rc, what);
}

struct Cursor {
  Cursor(MDB_txn* txn, MDB_dbi dbi) { check(mdb_cursor_open(txn, dbi, &c), "mdb_cursor_open"); }
  ~Cursor() { mdb_cursor_close(c); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  MDB_cursor* c = nullptr;
};

}  // namespace

Error::Error(int code, const std::string& what)
    : std::runtime_error(what + ": " + mdb_strerror(code)), code(code) {}

// The shared read transaction, renewed for one read and reset after it, so it never pins
// pages the writer could reuse.
class Store::ReadTxn {
 public:
  explicit ReadTxn(Store& store) : store_(store), lock_(store.read_mutex_) {
    if (store_.read_txn_ == nullptr) {
      check(mdb_txn_begin(store_.env_, nullptr, MDB_RDONLY, &store_.read_txn_), "mdb_txn_begin");
    } else {
      check(mdb_txn_renew(store_.read_txn_), "mdb_txn_renew");
    }
  }
  ~ReadTxn() { mdb_txn_reset(store_.read_txn_); }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  MDB_txn* get() const { return store_.read_txn_; }

 private:
  Store& store_;
  std::lock_guard<std::mutex> lock_;
};

Store::Store(const std::filesystem::path& dir, std::size_t map_size, bool sync_each_commit)
    : dir_(dir) {
  const std::filesystem::path data = dir / "data.mdb";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir.string() + ": cannot create the directory: " + ec.message());
  const std::string lock_path = (dir / "herald.lock").string();
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw std::runtime_error(lock_path + ": cannot open: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd_);
    if (err == EWOULDBLOCK) {
      throw std::runtime_error("another herald holds " + dir.string() + " (" + lock_path +
                               " is locked)");
    }
    throw std::runtime_error(lock_path + ": cannot lock: " + std::strerror(err));
  }
  try {
    check(mdb_env_create(&env_), "mdb_env_create");
    check(mdb_env_set_maxdbs(env_, kTableCount), "mdb_env_set_maxdbs");
    check(mdb_env_set_mapsize(env_, map_size), "mdb_env_set_mapsize");
    // MDB_NOTLS: a read transaction is not tied to the thread that began it (hub threads
    // share one, under read_mutex_).
    const unsigned flags = MDB_NOTLS | (sync_each_commit ? 0 : MDB_NOSYNC);
    check(mdb_env_open(env_, dir.c_str(), flags, 0644), "cannot open");
    check_file_size(data);
    int stale = 0;
    mdb_reader_check(env_, &stale);  // slots of readers whose process died
    max_key_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(env_));
    open_tables();
    load_summary(data);
  } catch (const Error& e) {
    close();
    throw std::runtime_error(data.string() + ": " + e.what());
  } catch (...) {
    close();
    throw;
  }
}

Store::~Store() {
  close();
}

void Store::close() {
  if (read_txn_ != nullptr) mdb_txn_abort(read_txn_);
  if (env_ != nullptr) mdb_env_close(env_);
  ::close(lock_fd_);  // releases the flock
}

// LMDB maps the file and trusts its meta page: a file cut short (a bad copy, a full disk
// during a copy) would fault (SIGBUS) at the first read of a missing page.
void Store::check_file_size(const std::filesystem::path& data) const {
  MDB_envinfo info;
  MDB_stat stat;
  check(mdb_env_info(env_, &info), "mdb_env_info");
  check(mdb_env_stat(env_, &stat), "mdb_env_stat");
  std::error_code ec;
  const auto size = std::filesystem::file_size(data, ec);
  const std::uintmax_t needed = (std::uintmax_t{info.me_last_pgno} + 1) * stat.ms_psize;
  if (!ec && size < needed) {
    throw std::runtime_error(data.string() + ": truncated (" + std::to_string(size) +
                             " bytes, its pages need " + std::to_string(needed) + ")");
  }
}

void Store::open_tables() {
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env_, nullptr, 0, &txn), "mdb_txn_begin");
  try {
    const unsigned index_flags = MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED;
    check(mdb_dbi_open(txn, "events", MDB_CREATE, &events_), "opening table events");
    check(mdb_dbi_open(txn, "ids", index_flags, &ids_), "opening table ids");
    check(mdb_dbi_open(txn, "topics", index_flags, &topics_), "opening table topics");
    check(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta_), "opening table meta");
    MDB_val key = val(std::string_view("format")), value;
    const int rc = mdb_get(txn, meta_, &key, &value);
    if (rc == MDB_NOTFOUND) {
      MDB_stat stat;
      check(mdb_stat(txn, events_, &stat), "mdb_stat");
      if (stat.ms_entries != 0) throw Error(MDB_INCOMPATIBLE, "events without a format version");
      const SeqKey version = seq_key(kFormatVersion);
      MDB_val v = val(version);
      check(mdb_put(txn, meta_, &key, &v, 0), "writing the format version");
    } else {
      check(rc, "reading the format version");
      if (seq_of(value) != kFormatVersion) {
        throw Error(MDB_VERSION_MISMATCH, "format version " + std::to_string(seq_of(value)) +
                                              ", this herald reads " +
                                              std::to_string(kFormatVersion));
      }
    }
    check(mdb_txn_commit(txn), "mdb_txn_commit");
  } catch (...) {
    mdb_txn_abort(txn);
    throw;
  }
}

void Store::load_summary(const std::filesystem::path& data) {
  ReadTxn txn(*this);
  MDB_stat stat;
  check(mdb_stat(txn.get(), events_, &stat), "mdb_stat");
  summary_.events = stat.ms_entries;
  auto meta = [&](std::string_view name) -> std::uint64_t {
    MDB_val key = val(name), value;
    const int rc = mdb_get(txn.get(), meta_, &key, &value);
    if (rc == MDB_NOTFOUND) return 0;
    check(rc, "reading meta");
    return seq_of(value);
  };
  summary_.bytes = meta("bytes");
  summary_.evicted_through = meta("evicted_through");
  Cursor cursor(txn.get(), events_);
  MDB_val key, value;
  const int rc = mdb_cursor_get(cursor.c, &key, &value, MDB_LAST);
  if (rc == MDB_NOTFOUND) return;
  check(rc, "reading the newest event");
  summary_.last_seq = seq_of(key);
  auto record = decode_record(view(value));
  if (!record || key.mv_size != 8) {
    throw std::runtime_error(data.string() + ": the newest record (seq " +
                             std::to_string(summary_.last_seq) + ") is malformed");
  }
  summary_.newest_id = std::string(record->id);
}

void Store::sync() {
  check(mdb_env_sync(env_, 1), "mdb_env_sync");
}

std::optional<std::uint64_t> Store::earliest_seq_of(std::string_view id,
                                                    std::uint64_t visible_through) {
  const std::string key_bytes = index_key(id, max_key_);
  const bool exact = key_bytes[0] == kExactKey;
  ReadTxn txn(*this);
  Cursor ids(txn.get(), ids_);
  MDB_val key = val(key_bytes), value;
  int rc = mdb_cursor_get(ids.c, &key, &value, MDB_SET_KEY);
  // Ascending seqs: the first one still stored (and, for a hashed key, really this id's)
  // is the earliest occurrence.
  for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(ids.c, &key, &value, MDB_NEXT_DUP)) {
    const std::uint64_t seq = seq_of(value);
    if (seq > visible_through) return std::nullopt;
    const SeqKey event_key = seq_key(seq);
    MDB_val ek = val(event_key), record;
    if (mdb_get(txn.get(), events_, &ek, &record) != MDB_SUCCESS) continue;
    if (exact) return seq;
    auto decoded = decode_record(view(record));
    if (decoded && decoded->id == id) return seq;
  }
  if (rc != MDB_NOTFOUND) check(rc, "reading ids");
  return std::nullopt;
}

std::uint64_t Store::read(std::uint64_t after, std::uint64_t up_to, std::size_t& max,
                          std::vector<hub::UpdatePtr>& out) {
  ReadTxn txn(*this);
  Cursor events(txn.get(), events_);
  const SeqKey from = seq_key(after + 1);
  MDB_val key = val(from), value;
  std::uint64_t reached = after;
  int rc = mdb_cursor_get(events.c, &key, &value, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(events.c, &key, &value, MDB_NEXT)) {
    const std::uint64_t seq = seq_of(key);
    if (seq > up_to) break;
    if (max == 0) return reached;
    reached = seq;
    if (auto record = decode_record(view(value))) {
      out.push_back(to_update(*record, seq));
      --max;
    }
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) check(rc, "reading events");
  return up_to;
}

WriteTxn::WriteTxn(Store& store) : store_(store) {
  check(mdb_txn_begin(store_.env_, nullptr, 0, &txn_), "mdb_txn_begin");
}

WriteTxn::~WriteTxn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

void WriteTxn::insert(const hub::Update& update, std::string_view record) {
  const SeqKey key_bytes = seq_key(update.seq);
  MDB_val key = val(key_bytes), value = val(record);
  // Seqs only grow: MDB_APPEND fills pages to the brim instead of splitting them in half.
  check(mdb_put(txn_, store_.events_, &key, &value, MDB_APPEND), "writing an event");
  MDB_val seq = val(key_bytes);
  const std::string id_key = index_key(update.id, store_.max_key_);
  MDB_val ik = val(id_key);
  check(mdb_put(txn_, store_.ids_, &ik, &seq, 0), "indexing an id");
  for (const std::string& topic : update.topics) {
    const std::string topic_key = index_key(topic, store_.max_key_);
    MDB_val tk = val(topic_key);
    check(mdb_put(txn_, store_.topics_, &tk, &seq, 0), "indexing a topic");
  }
}

std::size_t WriteTxn::erase(std::uint64_t seq) {
  const SeqKey key_bytes = seq_key(seq);
  MDB_val key = val(key_bytes), value;
  int rc = mdb_get(txn_, store_.events_, &key, &value);
  if (rc == MDB_NOTFOUND) return 0;
  check(rc, "reading an event");
  const std::size_t size = value.mv_size;
  // Copied: what mdb_get returned is only valid until the next write.
  std::vector<std::string> index_keys;
  if (auto record = decode_record(view(value))) {
    index_keys.push_back(index_key(record->id, store_.max_key_));
    for (std::string_view topic : record->topics)
      index_keys.push_back(index_key(topic, store_.max_key_));
  }
  for (std::size_t i = 0; i < index_keys.size(); ++i) {
    MDB_val ik = val(index_keys[i]), seq_val = val(key_bytes);
    rc = mdb_del(txn_, i == 0 ? store_.ids_ : store_.topics_, &ik, &seq_val);
    if (rc != MDB_NOTFOUND) check(rc, "deleting an index entry");  // a topic named twice
  }
  check(mdb_del(txn_, store_.events_, &key, nullptr), "deleting an event");
  return size;
}

std::optional<std::uint64_t> WriteTxn::first_seq() {
  Cursor events(txn_, store_.events_);
  MDB_val key, value;
  const int rc = mdb_cursor_get(events.c, &key, &value, MDB_FIRST);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "reading the oldest event");
  return seq_of(key);
}

std::optional<std::int64_t> WriteTxn::first_published_ms() {
  Cursor events(txn_, store_.events_);
  MDB_val key, value;
  const int rc = mdb_cursor_get(events.c, &key, &value, MDB_FIRST);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "reading the oldest event");
  auto record = decode_record(view(value));
  if (!record) return std::nullopt;
  return record->published_ms;
}

void WriteTxn::forget_topic_entry(std::string_view topic, std::uint64_t seq) {
  const std::string topic_key = index_key(topic, store_.max_key_);
  const SeqKey seq_bytes = seq_key(seq);
  MDB_val key = val(topic_key), value = val(seq_bytes);
  const int rc = mdb_del(txn_, store_.topics_, &key, &value);
  if (rc != MDB_NOTFOUND) check(rc, "deleting a topic entry");
}

std::size_t WriteTxn::topic_count(std::string_view topic, std::uint64_t* oldest) {
  const std::string topic_key = index_key(topic, store_.max_key_);
  Cursor topics(txn_, store_.topics_);
  MDB_val key = val(topic_key), value;
  int rc = mdb_cursor_get(topics.c, &key, &value, MDB_SET_KEY);
  if (rc == MDB_NOTFOUND) return 0;
  check(rc, "reading topics");
  std::size_t count = 0;
  check(mdb_cursor_count(topics.c, &count), "counting a topic");
  check(mdb_cursor_get(topics.c, &key, &value, MDB_FIRST_DUP), "reading topics");
  *oldest = seq_of(value);
  return count;
}

void WriteTxn::put_meta(std::string_view name, std::uint64_t value) {
  const SeqKey bytes = seq_key(value);
  MDB_val key = val(name), v = val(bytes);
  check(mdb_put(txn_, store_.meta_, &key, &v, 0), "writing meta");
}

void WriteTxn::commit() {
  MDB_txn* txn = std::exchange(txn_, nullptr);
  check(mdb_txn_commit(txn), "mdb_txn_commit");
}

}  // namespace herald::store::lmdb
