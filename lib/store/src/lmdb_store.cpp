#include "lmdb_store.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "herald/base/log.hpp"

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

void check(int rc, const std::string& what) {
  if (rc != MDB_SUCCESS) throw Error(rc, what);
}

struct Cursor {
  Cursor(MDB_txn* txn, MDB_dbi dbi) { check(mdb_cursor_open(txn, dbi, &c), "mdb_cursor_open"); }
  ~Cursor() { mdb_cursor_close(c); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  MDB_cursor* c = nullptr;
};

// LMDB maps the file and trusts its meta page: a file cut short (a bad copy, a full disk
// during a copy) would fault (SIGBUS) at the first read of a missing page.
void check_file_size(MDB_env* env, const std::filesystem::path& data) {
  MDB_envinfo info;
  MDB_stat stat;
  check(mdb_env_info(env, &info), "mdb_env_info");
  check(mdb_env_stat(env, &stat), "mdb_env_stat");
  std::error_code ec;
  const auto size = std::filesystem::file_size(data, ec);
  const std::uintmax_t needed = (std::uintmax_t{info.me_last_pgno} + 1) * stat.ms_psize;
  if (!ec && size < needed) {
    throw std::runtime_error("truncated (" + std::to_string(size) + " bytes, its pages need " +
                             std::to_string(needed) + ")");
  }
}

// The format version in `meta`, when it is there; throws when it is not this herald's.
bool check_format_version(MDB_txn* txn, MDB_dbi meta) {
  MDB_val key = val(std::string_view("format")), value;
  const int rc = mdb_get(txn, meta, &key, &value);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "reading the format version");
  if (seq_of(value) != kFormatVersion) {
    throw Error(MDB_VERSION_MISMATCH, "format version " + std::to_string(seq_of(value)) +
                                          ", this herald reads " + std::to_string(kFormatVersion));
  }
  return true;
}

[[noreturn]] void damaged(std::string_view table, const std::string& what) {
  throw std::runtime_error("damaged: table " + std::string(table) + ": " + what);
}

// Reads every entry of `dbi` (so every branch, leaf and overflow page of its tree),
// checks that they come in LMDB's order (a page read twice or out of place shows as a key
// out of order) and that there are as many as the table says, and hands each to `entry`.
// `dups`: a DUPSORT table, whose equal keys come with ascending values.
template <typename Entry>
void walk_table(MDB_txn* txn, MDB_dbi dbi, std::string_view table, bool dups, Entry entry) {
  MDB_stat stat;
  check(mdb_stat(txn, dbi, &stat), "mdb_stat");
  Cursor cursor(txn, dbi);
  // What a read-only transaction returns points into the map and stays valid to its end.
  MDB_val key{}, value{}, last_key{}, last_value{};
  std::size_t count = 0;
  int rc = mdb_cursor_get(cursor.c, &key, &value, MDB_FIRST);
  for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(cursor.c, &key, &value, MDB_NEXT), ++count) {
    if (count != 0) {
      // The table's own comparison: the free list's txn-id keys are native integers
      // (MDB_INTEGERKEY), which a byte-wise comparison would call out of order.
      const int order = mdb_cmp(txn, dbi, &key, &last_key);
      if (order < 0 || (order == 0 && (!dups || mdb_dcmp(txn, dbi, &value, &last_value) <= 0)))
        damaged(table, "entry " + std::to_string(count) + " is out of order");
    }
    entry(key, value);
    last_key = key;
    last_value = value;
  }
  if (rc != MDB_NOTFOUND) check(rc, "damaged: table " + std::string(table));
  if (count != stat.ms_entries) {
    damaged(table,
            std::to_string(count) + " entries where it counts " + std::to_string(stat.ms_entries));
  }
}

constexpr unsigned kIndexFlags = MDB_DUPSORT | MDB_DUPFIXED;
struct Table {
  const char* name;
  unsigned flags;
};
constexpr std::array<Table, kTableCount> kTables{
    {{"events", 0}, {"ids", kIndexFlags}, {"topics", kIndexFlags}, {"meta", 0}}};

// Reads the whole of an existing data.mdb, read-only: every page of LMDB's free list, of
// its table of tables and of each table, and decodes every event. Throws
// std::runtime_error saying what is wrong. Runs in the checker child (check_in_child),
// where garbage that LMDB follows into a fault kills only the child.
void read_everything(const std::filesystem::path& dir, const std::filesystem::path& data,
                     std::size_t map_size) {
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "mdb_env_create");
  check(mdb_env_set_maxdbs(env, kTableCount), "mdb_env_set_maxdbs");
  check(mdb_env_set_mapsize(env, map_size), "mdb_env_set_mapsize");
  // MDB_NOLOCK: the parent holds DIR/herald.lock, so no other herald is in DIR, and the
  // child leaves lock.mdb alone. Never closed: the child exits when this returns.
  check(mdb_env_open(env, dir.c_str(), MDB_RDONLY | MDB_NOLOCK, 0644), "cannot open");
  check_file_size(env, data);
  MDB_envinfo info;
  check(mdb_env_info(env, &info), "mdb_env_info");
  const auto max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(env));
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");

  std::array<std::optional<MDB_dbi>, kTableCount> dbis;
  for (std::size_t i = 0; i < kTables.size(); ++i) {
    MDB_dbi dbi = 0;
    const int rc = mdb_dbi_open(txn, kTables[i].name, kTables[i].flags, &dbi);
    if (rc == MDB_NOTFOUND) continue;  // a new store has no tables yet
    check(rc, std::string("damaged: opening table ") + kTables[i].name);
    unsigned flags = 0;
    check(mdb_dbi_flags(txn, dbi, &flags), "mdb_dbi_flags");
    if (flags != kTables[i].flags) damaged(kTables[i].name, "flags " + std::to_string(flags));
    dbis[i] = dbi;
  }
  const std::optional<MDB_dbi> events = dbis[0], meta = dbis[3];
  // First, so that a store of another version says so rather than looking damaged.
  if (meta) check_format_version(txn, *meta);

  // LMDB's own trees: the table of tables (dbi 1) and the free list (dbi 0), which every
  // commit reads to reuse pages. A free-list entry is a txn id -> a count, then as many
  // page numbers, each a data page of the file.
  walk_table(txn, 1, "(tables)", false, [&](const MDB_val& key, const MDB_val&) {
    for (const Table& table : kTables)
      if (view(key) == table.name) return;
    damaged("(tables)", "an unknown table");
  });
  walk_table(txn, 0, "(free pages)", false, [&](const MDB_val& key, const MDB_val& value) {
    if (key.mv_size != sizeof(std::size_t) || value.mv_size % sizeof(std::size_t) != 0 ||
        value.mv_size == 0) {
      damaged("(free pages)", "an entry of " + std::to_string(value.mv_size) + " bytes");
    }
    std::vector<std::size_t> pages(value.mv_size / sizeof(std::size_t));
    std::memcpy(pages.data(), value.mv_data, value.mv_size);
    // LMDB reads as many pages as the count says.
    if (pages[0] > pages.size() - 1) damaged("(free pages)", "a bad page count");
    for (std::size_t i = 1; i <= pages[0]; ++i) {
      if (pages[i] < 2 || pages[i] > info.me_last_pgno)
        damaged("(free pages)", "page " + std::to_string(pages[i]) + " is not a data page");
    }
  });
  if (events) {
    walk_table(txn, *events, "events", false, [&](const MDB_val& key, const MDB_val& value) {
      if (key.mv_size != 8) damaged("events", "a key of " + std::to_string(key.mv_size) + " bytes");
      if (!decode_record(view(value)))
        damaged("events", "the record of seq " + std::to_string(seq_of(key)) + " does not decode");
    });
  }
  for (const std::size_t i : {1, 2}) {  // ids, topics
    if (!dbis[i]) continue;
    const char* name = kTables[i].name;
    walk_table(txn, *dbis[i], name, true, [&](const MDB_val& key, const MDB_val& value) {
      const bool key_ok = key.mv_size >= 1 && key.mv_size <= max_key &&
                          (view(key)[0] == kExactKey || view(key)[0] == kHashedKey);
      if (!key_ok || value.mv_size != 8) damaged(name, "a malformed entry");
    });
  }
  if (meta) {
    walk_table(txn, *meta, "meta", false, [&](const MDB_val&, const MDB_val& value) {
      if (value.mv_size != 8)
        damaged("meta", "a value of " + std::to_string(value.mv_size) + " bytes");
    });
  }
}

// How long the check of an existing data.mdb may take. It reads the whole file: for a
// million small events (10 topics), about 0.25 s optimized with the file in the page
// cache, 2-3 s in the sanitized dev build; this bounds a loop in damaged pages.
constexpr auto kCheckTimeout = std::chrono::seconds(60);

// LMDB has no checksums and follows whatever page numbers and offsets it finds: garbage
// in the data pages (meta pages intact) can fault, abort on an assertion or loop, and
// opening the tables with MDB_CREATE writes into them. So before the store is opened for
// writing, a forked child reads all of it (read_everything) and reports through a pipe;
// a child killed by a signal, or silent, means a damaged file, and the hub never touched
// it.
//
// Forking is safe here because `herald serve` opens the store from HubServer's
// constructor, before start() runs any thread, and the store starts none before it is
// open (LmdbHistory's writer starts after): the child is a copy of a single-threaded
// process, so the allocator it uses (read_everything allocates) holds no lock another
// thread took. Some unit tests open a store while another history's writer runs; glibc's
// fork takes malloc's locks across the fork, which covers them. The child ends with
// _exit: no atexit handler or destructor of the parent's runs twice.
void check_in_child(const std::filesystem::path& dir, const std::filesystem::path& data,
                    std::size_t map_size) {
  const std::string file = data.string();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(file + ": cannot check it: pipe: " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(file + ": cannot check it: fork: " + std::strerror(err));
  }
  if (pid == 0) {
    ::close(fds[0]);
    // A fault ends the child at once, as a signal the parent names, and not in a
    // sanitizer's handler whose report would read as the hub crashing.
    ::signal(SIGSEGV, SIG_DFL);
    ::signal(SIGBUS, SIG_DFL);
    std::string report = "ok";
    try {
      read_everything(dir, data, map_size);
    } catch (const std::exception& e) {
      report = e.what();
    }
    const ssize_t written = ::write(fds[1], report.data(), report.size());
    ::_exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::string report;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + kCheckTimeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&pfd, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = true;
      break;
    }
    char buf[512];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child is gone
    report.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    throw std::runtime_error("checking " + file + " took too long (over " +
                             std::to_string(kCheckTimeout.count()) + " s)");
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    throw std::runtime_error(file + ": damaged: reading it killed the check (SIG" +
                             (name != nullptr ? std::string(name) : std::to_string(sig)) + ")");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || report.empty()) {
    throw std::runtime_error(file + ": damaged: the check of its pages failed (exit status " +
                             std::to_string(WEXITSTATUS(status)) + ")");
  }
  if (report != "ok") throw std::runtime_error(file + ": " + report);
}

// An existing data.mdb is read whole before it is opened (check_in_child); an empty
// one is refused: LMDB would take it for a new store and start with an empty history,
// while a store was kept here. A missing one is a new store.
void check_existing(const std::filesystem::path& dir, const std::filesystem::path& data,
                    std::size_t map_size) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(data, ec);
  if (ec == std::errc::no_such_file_or_directory) return;
  if (ec) throw std::runtime_error(data.string() + ": " + ec.message());
  if (size == 0) throw std::runtime_error(data.string() + ": empty (0 bytes): no LMDB file");
  check_in_child(dir, data, map_size);
}

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
    check_existing(dir, data, map_size);
    check(mdb_env_create(&env_), "mdb_env_create");
    check(mdb_env_set_maxdbs(env_, kTableCount), "mdb_env_set_maxdbs");
    check(mdb_env_set_mapsize(env_, map_size), "mdb_env_set_mapsize");
    // MDB_NOTLS: a read transaction is not tied to the thread that began it (hub threads
    // share one, under read_mutex_).
    const unsigned flags = MDB_NOTLS | (sync_each_commit ? 0 : MDB_NOSYNC);
    check(mdb_env_open(env_, dir.c_str(), flags, 0644), "cannot open");
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

void Store::open_tables() {
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env_, nullptr, 0, &txn), "mdb_txn_begin");
  try {
    MDB_dbi* dbis[] = {&events_, &ids_, &topics_, &meta_};
    for (std::size_t i = 0; i < kTables.size(); ++i) {
      check(mdb_dbi_open(txn, kTables[i].name, MDB_CREATE | kTables[i].flags, dbis[i]),
            std::string("opening table ") + kTables[i].name);
    }
    if (!check_format_version(txn, meta_)) {
      MDB_stat stat;
      check(mdb_stat(txn, events_, &stat), "mdb_stat");
      if (stat.ms_entries != 0) throw Error(MDB_INCOMPATIBLE, "events without a format version");
      const SeqKey version = seq_key(kFormatVersion);
      MDB_val key = val(std::string_view("format")), v = val(version);
      check(mdb_put(txn, meta_, &key, &v, 0), "writing the format version");
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
    } else {
      log_bad_record(seq);
    }
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) check(rc, "reading events");
  return up_to;
}

// Under read_mutex_ (a ReadTxn is alive): bad_record_log_ is the readers'.
void Store::log_bad_record(std::uint64_t seq) {
  std::uint64_t suppressed = 0;
  if (!bad_record_log_.allow(log::LineLimiter::clock::now(), suppressed)) return;
  log::error("history record does not decode; skipped",
             {{"file", (dir_ / "data.mdb").string()},
              {"seq", std::to_string(seq)},
              {"suppressed", std::to_string(suppressed)}});
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
