// The LMDB history: what only a durable, asynchronous store does (completion on its own
// thread, restart, a full map, damaged files, one herald per directory). What every
// history does is in history_contract_test.cpp.
#include "herald/store/lmdb_history.hpp"

#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <latch>
#include <mutex>
#include <random>
#include <thread>

#include "herald/hub/hub.hpp"
#include "history_test_support.hpp"

namespace herald::store {
namespace {

using namespace testing;
using namespace std::chrono_literals;

HistoryLimits limits(std::size_t events, std::size_t per_topic = 0) {
  return {.max_events = events, .max_bytes = std::size_t{1} << 30, .max_per_topic = per_topic};
}

struct LmdbHistoryTest : ::testing::Test {
  TempDir dir;
  LmdbOptions options(HistoryLimits bounds = limits(1000)) {
    return {.directory = dir.path(), .sync = SyncMode::off, .limits = bounds};
  }
  std::string data_file() const { return (dir.path() / "data.mdb").string(); }
};

// Waits (bounded) until `condition` holds.
template <typename Condition>
bool eventually(Condition condition) {
  for (auto deadline = std::chrono::steady_clock::now() + 2s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(5ms)) {
    if (condition()) return true;
  }
  return condition();
}

TEST_F(LmdbHistoryTest, CompletesLaterOnItsOwnThreadInAppendOrder) {
  LmdbHistory h(options());
  EXPECT_TRUE(h.completes_later());
  std::mutex mutex;
  std::vector<std::uint64_t> completed;
  std::atomic<bool> on_caller_thread = false;
  const auto caller = std::this_thread::get_id();
  std::latch all(200);
  for (int i = 0; i < 200; ++i) {
    auto u = make_update(std::to_string(i));
    u->seq = h.next_seq();
    EXPECT_FALSE(h.append(u, [&, seq = u->seq](hub::AppendResult r) {
      EXPECT_TRUE(r.ok()) << r.error;
      if (std::this_thread::get_id() == caller) on_caller_thread = true;
      std::lock_guard lock(mutex);
      completed.push_back(seq);
      all.count_down();
    }));
  }
  EXPECT_EQ(h.next_seq(), 201u) << "moves on at append time";
  all.wait();
  EXPECT_FALSE(on_caller_thread);
  ASSERT_EQ(completed.size(), 200u);
  for (std::size_t i = 0; i < completed.size(); ++i)
    EXPECT_EQ(completed[i], i + 1);
  EXPECT_EQ(h.size(), 200u);
}

// The writer is held inside a completion, so what follows is queued or committed but not
// yet completed: none of it may be seen.
TEST_F(LmdbHistoryTest, AnUpdateIsInvisibleUntilItsCompletion) {
  LmdbHistory h(options());
  std::latch first_entered(1), release_first(1), second_entered(1), release_second(1);
  auto first = make_update("first");
  first->seq = h.next_seq();
  h.append(first, [&](hub::AppendResult) {
    first_entered.count_down();
    release_first.wait();
  });
  first_entered.wait();
  // Queued behind the held writer: b and c go in one group, one commit.
  auto b = make_update("b");
  b->seq = h.next_seq();
  h.append(b, [&](hub::AppendResult) {
    second_entered.count_down();
    release_second.wait();
  });
  auto c = start_append(h, make_update("c"));
  auto invisible = [&](const char* when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(h.resume_point("c").from, hub::ReplayFrom::unknown);
    std::vector<hub::UpdatePtr> out;
    h.read(0, 3, 10, out);
    for (const auto& u : out)
      EXPECT_NE(u->id, "c");
    EXPECT_NE(h.newest_id(), "c");
    EXPECT_LE(h.size(), 2u);
  };
  invisible("queued");
  EXPECT_EQ(h.newest_id(), "first");
  release_first.count_down();
  second_entered.wait();  // b and c are committed; b is completing
  invisible("committed, not completed");
  EXPECT_EQ(h.resume_point("b").from, hub::ReplayFrom::after_id);
  release_second.count_down();
  ASSERT_TRUE(c.get().ok());
  EXPECT_EQ(h.resume_point("c").from, hub::ReplayFrom::after_id);
  EXPECT_EQ(h.newest_id(), "c");
  EXPECT_EQ(h.size(), 3u);
}

// Only the newest updates are also in memory: a read crosses from disk to memory, in
// slices, without a gap or a duplicate.
TEST_F(LmdbHistoryTest, ReadsAcrossDiskAndMemory) {
  LmdbOptions o = options();
  o.recent_updates = 4;
  LmdbHistory h(o);
  std::vector<std::string> sent;
  for (int i = 1; i <= 20; ++i) {
    sent.push_back(std::to_string(i));
    append(h, sent.back());
  }
  EXPECT_EQ(held(h), sent);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(h.read(5, 18, 100, out), 18u);
  EXPECT_EQ(ids(out), std::vector<std::string>(sent.begin() + 5, sent.begin() + 18));
  out.clear();
  EXPECT_EQ(h.read(10, 20, 7, out), 17u) << "stopped by max, in memory";
  EXPECT_EQ(out.size(), 7u);
}

TEST_F(LmdbHistoryTest, LongIdsAndTopicsAreExact) {
  // Over LMDB's 511-byte key limit, and alike up to their last byte.
  const std::string prefix(600, 'p');
  LmdbHistory h(options(limits(1000, /*per_topic=*/2)));
  for (auto suffix : {"a", "b", "a", "c"})
    append(h, prefix + suffix, 10, {prefix + "topic-" + suffix});
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, prefix + "a", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(out.size(), 3u) << "after the earliest of the repeated id";
  out.clear();
  EXPECT_EQ(replay(h, prefix + "b", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  EXPECT_EQ(replay(h, prefix + "d", out), hub::ReplayFrom::unknown);
  append(h, prefix + "e", 10, {prefix + "topic-a"});  // a third on topic-a: the first goes
  EXPECT_EQ(h.size(), 4u);
  out.clear();
  EXPECT_EQ(replay(h, prefix + "a", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(out.size(), 2u) << "after the a still held";
}

TEST_F(LmdbHistoryTest, EvictsByStoredBytes) {
  std::size_t each = 0;
  {
    TempDir probe_dir;
    LmdbOptions probe = options();
    probe.directory = probe_dir.path();
    LmdbHistory h(probe);
    append(h, "a", 100);
    each = h.bytes();  // every update below stores as many bytes
  }
  ASSERT_GT(each, 100u);
  LmdbOptions o = options();
  o.limits.max_bytes = 3 * each + each / 2;
  LmdbHistory h(o);
  for (auto id : {"a", "b", "c", "d", "e"})
    append(h, id, 100);
  EXPECT_EQ(held(h), (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(h.bytes(), 3 * each);
  EXPECT_EQ(h.oldest_seq(), 3u);
}

TEST_F(LmdbHistoryTest, ExpiresByAgeWhenIdleAndOnAppend) {
  std::atomic<int> hours_later = 0;
  LmdbOptions o = options();
  o.max_age = 3600s;
  o.clock = [&] { return std::chrono::system_clock::now() + std::chrono::hours(hours_later); };
  LmdbHistory h(o);
  for (auto id : {"a", "b", "c"})
    append(h, id);
  hours_later = 2;
  // The idle writer finds them expired; the newest stays.
  EXPECT_TRUE(eventually([&] { return h.size() == 1; }));
  EXPECT_EQ(held(h), (std::vector<std::string>{"c"}));
  EXPECT_EQ(h.oldest_seq(), 3u);
  append(h, "d");  // "c" has expired too: the append lets it go
  EXPECT_EQ(held(h), (std::vector<std::string>{"d"}));
  EXPECT_EQ(h.oldest_seq(), 4u);
}

TEST_F(LmdbHistoryTest, ReopensWithEverythingAcknowledged) {
  {
    LmdbHistory h(options(limits(20)));
    for (int i = 1; i <= 30; ++i)
      append(h, i % 7 == 0 ? "repeated" : std::to_string(i));
    EXPECT_EQ(h.oldest_seq(), 11u);
  }
  LmdbHistory h(options(limits(20)));
  EXPECT_EQ(h.size(), 20u);
  EXPECT_EQ(h.next_seq(), 31u);
  EXPECT_EQ(h.oldest_seq(), 11u);
  EXPECT_EQ(h.newest_id(), "30");
  EXPECT_GT(h.bytes(), 20u * 10);
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "25", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(ids(out), (std::vector<std::string>{"26", "27", "repeated", "29", "30"}));
  out.clear();
  EXPECT_EQ(replay(h, "repeated", out), hub::ReplayFrom::after_id);
  EXPECT_EQ(out.size(), 16u) << "after its earliest occurrence still held, seq 14";
  out.clear();
  EXPECT_EQ(replay(h, "3", out), hub::ReplayFrom::unknown);
  EXPECT_EQ(out.size(), 20u);
  EXPECT_EQ(out.front()->seq, 11u);
  append(h, "31");
  EXPECT_EQ(h.size(), 20u);
  EXPECT_EQ(held(h).back(), "31");
}

TEST_F(LmdbHistoryTest, DestructionCompletesEverythingQueued) {
  std::vector<std::future<hub::AppendResult>> pending;
  {
    LmdbHistory h(options());
    for (int i = 0; i < 300; ++i)
      pending.push_back(start_append(h, make_update(std::to_string(i))));
  }
  for (auto& p : pending) {
    ASSERT_EQ(p.wait_for(0s), std::future_status::ready);
    EXPECT_TRUE(p.get().ok());
  }
  LmdbHistory h(options());
  EXPECT_EQ(h.size(), 300u);
  EXPECT_EQ(h.next_seq(), 301u);
}

class LmdbSyncModes : public LmdbHistoryTest, public ::testing::WithParamInterface<SyncMode> {};
std::string mode_name(const ::testing::TestParamInfo<SyncMode>& info) {
  switch (info.param) {
    case SyncMode::full:
      return "Full";
    case SyncMode::batch:
      return "Batch";
    case SyncMode::off:
      return "Off";
  }
  return "";
}
INSTANTIATE_TEST_SUITE_P(Modes, LmdbSyncModes,
                         ::testing::Values(SyncMode::full, SyncMode::batch, SyncMode::off),
                         mode_name);

TEST_P(LmdbSyncModes, KeepsWhatItAcknowledgedAcrossAReopen) {
  LmdbOptions o = options();
  o.sync = GetParam();
  {
    LmdbHistory h(o);
    std::vector<std::future<hub::AppendResult>> pending;
    for (int i = 0; i < 50; ++i)
      pending.push_back(start_append(h, make_update(std::to_string(i))));
    for (auto& p : pending)
      EXPECT_TRUE(p.get().ok());
    if (GetParam() == SyncMode::batch) std::this_thread::sleep_for(150ms);  // a sync tick
  }
  LmdbHistory h(o);
  EXPECT_EQ(h.size(), 50u);
  EXPECT_EQ(h.newest_id(), "49");
}

// Every mode acknowledges only what reached the OS at least: a process killed at any
// moment (kill -9) loses nothing it acknowledged. The child appends and reports each
// acknowledgement through a pipe until the parent kills it.
TEST_P(LmdbSyncModes, WhatWasAcknowledgedSurvivesAKill) {
  LmdbOptions o = options(limits(1000000));  // nothing evicted
  o.sync = GetParam();
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    LmdbHistory h(o);
    for (std::uint32_t i = 0; i < 1000000; ++i) {
      auto u = make_update(std::to_string(i));
      u->seq = h.next_seq();
      h.append(u, [fd = acks[1], i](hub::AppendResult r) {
        if (r.ok() && ::write(fd, &i, sizeof i) != sizeof i) ::_exit(1);
      });
      if (i % 64 == 63) std::this_thread::sleep_for(1ms);  // let the writer keep up
    }
    ::_exit(0);
  }
  ::close(acks[1]);
  std::uint32_t acknowledged = 0, got = 0;
  while (::read(acks[0], &got, sizeof got) == sizeof got) {
    acknowledged = got;
    if (acknowledged >= 500) break;
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  while (::read(acks[0], &got, sizeof got) == sizeof got)  // sent before it died
    acknowledged = got;
  ::close(acks[0]);
  ASSERT_GE(acknowledged, 500u);
  LmdbHistory h(o);  // the dead process's lock went with it
  EXPECT_GE(h.size(), acknowledged + 1);
  EXPECT_EQ(h.resume_point(std::to_string(acknowledged)).from, hub::ReplayFrom::after_id);
  EXPECT_EQ(h.resume_point("0").from, hub::ReplayFrom::after_id);
  std::vector<hub::UpdatePtr> out;
  h.read(0, acknowledged + 1, acknowledged + 1, out);
  ASSERT_EQ(out.size(), acknowledged + 1);
  for (std::uint32_t i = 0; i <= acknowledged; ++i)
    ASSERT_EQ(out[i]->id, std::to_string(i));
}

// A refused append never was: a reader just before it has missed nothing.
TEST_F(LmdbHistoryTest, ARefusedAppendIsNotCountedAsEvicted) {
  LmdbOptions o = options();
  o.map_size = 1 << 20;
  LmdbHistory h(o);
  append(h, "a");
  const hub::AppendResult too_big = append_result(h, make_update("big", 2 << 20));
  EXPECT_NE(too_big.error.find("history store is full"), std::string::npos) << too_big.error;
  std::vector<hub::UpdatePtr> out;
  EXPECT_EQ(replay(h, "big", out), hub::ReplayFrom::unknown) << "never readable";
  append(h, "c");  // the map taught a byte bound below a + c: "a" goes
  EXPECT_EQ(held(h), (std::vector<std::string>{"c"}));
  EXPECT_EQ(h.oldest_seq(), 2u) << "seq 1 was let go of; seq 2 was never kept";
}

TEST_F(LmdbHistoryTest, AFullMapRefusesAppendsThenMakesRoom) {
  LmdbOptions o = options(limits(100000));
  o.map_size = 1 << 20;
  LmdbHistory h(o);
  int appended = 0;
  hub::AppendResult refused;
  for (; appended < 2000 && refused.ok(); ++appended)
    refused = append_result(h, make_update(std::to_string(appended), 2000));
  ASSERT_FALSE(refused.ok()) << "a 1 MiB map holds fewer than 2000 updates of 2 KB";
  EXPECT_NE(refused.error.find("history store is full"), std::string::npos) << refused.error;
  const std::size_t held_when_full = h.size();
  // Each refusal lowers the bytes kept (to 3/4), so refusals stop after a few; from then on
  // the oldest updates go to make room and every append is kept.
  int refusals = 0;
  for (int i = 0; i < 1000; ++i) {
    const hub::AppendResult r = append_result(h, make_update("after-" + std::to_string(i), 2000));
    if (!r.ok()) ++refusals;
    ASSERT_TRUE(r.ok() || i < 100) << "append " << i << " after the map filled: " << r.error;
  }
  EXPECT_LE(refusals, 5);
  EXPECT_LT(h.size(), held_when_full);
  EXPECT_EQ(h.newest_id(), "after-999");
}

TEST_F(LmdbHistoryTest, ASecondOpenOfTheDirectoryIsRefused) {
  auto first = std::make_unique<LmdbHistory>(options());
  try {
    LmdbHistory second(options());
    ADD_FAILURE() << "opened twice";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another herald holds " + dir.path().string()),
              std::string::npos)
        << e.what();
  }
  first.reset();
  LmdbHistory again(options());  // released with the first
}

TEST_F(LmdbHistoryTest, CreatesItsDirectory) {
  LmdbOptions o = options();
  o.directory = dir.path() / "a" / "b";
  LmdbHistory h(o);
  append(h, "x");
  EXPECT_TRUE(std::filesystem::exists(o.directory / "data.mdb"));
}

// Opening `dir` fails with a message naming data.mdb and saying `reason`.
void expect_open_fails(const LmdbOptions& o, const std::string& data, const std::string& reason) {
  try {
    LmdbHistory h(o);
    ADD_FAILURE() << "opened";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(data), std::string::npos) << what;
    EXPECT_NE(what.find(reason), std::string::npos) << what;
  }
}

void fill(const LmdbOptions& o) {
  LmdbHistory h(o);
  for (int i = 0; i < 300; ++i)
    append(h, std::to_string(i), 1000);
}

TEST_F(LmdbHistoryTest, ATruncatedFileIsRefused) {
  fill(options());
  std::filesystem::resize_file(data_file(), std::filesystem::file_size(data_file()) / 2);
  expect_open_fails(options(), data_file(), "truncated");
}

// LMDB has no checksums: garbage after the two meta pages (4096 bytes each) is found
// only by reading every page, which must never crash the process that opens the store.
TEST_F(LmdbHistoryTest, GarbageInTheDataPagesIsRefused) {
  TempDir pristine;
  fill(LmdbOptions{.directory = pristine.path(), .sync = SyncMode::off, .limits = limits(1000)});
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::filesystem::remove_all(dir.path());
    std::filesystem::copy(pristine.path(), dir.path());
    {
      std::fstream f(data_file(), std::ios::in | std::ios::out | std::ios::binary);
      std::mt19937_64 random(seed);
      std::string garbage(std::filesystem::file_size(data_file()) - 8192, '\0');
      for (char& c : garbage)
        c = static_cast<char>(random());
      f.seekp(8192);
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    expect_open_fails(options(), data_file(), "damaged");
  }
}

TEST_F(LmdbHistoryTest, AnEmptyFileIsRefused) {
  fill(options());
  std::filesystem::resize_file(data_file(), 0);  // lock.mdb and herald.lock stay
  expect_open_fails(options(), data_file(), "empty (0 bytes)");
}

TEST_F(LmdbHistoryTest, AFileShorterThanItsMetaPagesIsRefused) {
  fill(options());
  std::filesystem::resize_file(data_file(), 5000);  // inside the second meta page
  expect_open_fails(options(), data_file(), "truncated");
  std::filesystem::resize_file(data_file(), 100);  // not even the first
  expect_open_fails(options(), data_file(), "not an LMDB file");
}

TEST_F(LmdbHistoryTest, AMissingFileIsANewStore) {
  fill(options());
  std::filesystem::remove(data_file());  // lock.mdb and herald.lock stay
  LmdbHistory h(options());
  EXPECT_EQ(h.size(), 0u);
  append(h, "x");
  EXPECT_EQ(h.size(), 1u);
}

TEST_F(LmdbHistoryTest, AnOverwrittenFileIsRefused) {
  fill(options());
  {
    std::fstream f(data_file(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string garbage(8192, '\xab');  // both meta pages
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  expect_open_fails(options(), data_file(), "not an LMDB file");
}

// Writes `value` under `key` in table `table` of the environment in `dir`, behind the
// history's back.
void poke(const std::filesystem::path& dir, const char* table, std::string key, std::string value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 4);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, table, 0, &dbi), 0);
  MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST_F(LmdbHistoryTest, AMalformedRecordIsRefused) {
  fill(options());
  poke(dir.path(), "events", std::string("\0\0\0\0\0\0\0\x96", 8), "not a record");
  expect_open_fails(options(), data_file(), "the record of seq 150 does not decode");
}

TEST_F(LmdbHistoryTest, AnotherFormatVersionIsRefused) {
  fill(options());
  poke(dir.path(), "meta", "format", std::string("\0\0\0\0\0\0\0\x02", 8));
  expect_open_fails(options(), data_file(), "format version 2");
}

// A shard whose posted work runs on its own thread, as an io_context would.
class ThreadShard {
 public:
  ThreadShard() : thread_([this] { run(); }) {}
  ~ThreadShard() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  hub::ShardPost post() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mutex_);
        work_.push_back(std::move(fn));
      }
      wake_.notify_one();
    };
  }
  // Runs `fn` on the shard's thread after what was posted before, and waits for it.
  void run_and_wait(std::function<void()> fn) {
    std::promise<void> ran;
    post()([&] {
      fn();
      ran.set_value();
    });
    ran.get_future().wait();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !work_.empty(); });
      if (work_.empty()) return;
      auto fn = std::move(work_.front());
      work_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> work_;
  bool stopping_ = false;
  std::thread thread_;
};

// Records the seqs it gets, replayed or live, on its shard's thread.
class SeqRecorder : public hub::Subscriber {
 public:
  SeqRecorder() : Subscriber(selectors()) {}
  void replay(const hub::UpdatePtr& u) override { seqs.push_back(u->seq); }
  void deliver(const hub::UpdatePtr& u) override { seqs.push_back(u->seq); }
  bool has_replay_room() const override { return true; }
  void flush() override {}
  std::vector<std::uint64_t> seqs;

 private:
  static std::vector<match::Selector> selectors() {
    std::string error;
    std::vector<match::Selector> v;
    v.push_back(*match::Selector::parse("t", &error));
    return v;
  }
};

bool increasing(const std::vector<std::uint64_t>& seqs) {
  return std::adjacent_find(seqs.begin(), seqs.end(), std::greater_equal<>()) == seqs.end();
}

// Publishers on several threads, subscribers resuming meanwhile on two shard threads, the
// writer completing: every subscriber gets every update once, in order (run under ASan).
TEST_F(LmdbHistoryTest, PublishersAndResumingSubscribersThroughAHub) {
  constexpr int kPublishers = 3, kEach = 200, kTotal = kPublishers * kEach;
  ThreadShard shard0, shard1;
  LmdbOptions o = options(limits(100000));
  o.sync = SyncMode::batch;
  o.recent_updates = 64;  // older replays come from disk
  auto hub = std::make_unique<hub::Hub>(std::make_unique<LmdbHistory>(o),
                                        std::vector<hub::ShardPost>{shard0.post(), shard1.post()});
  ThreadShard* shards[] = {&shard0, &shard1};
  SeqRecorder live;
  shard0.run_and_wait([&] { hub->subscribe(0, live, ""); });

  std::atomic<int> kept = 0;
  std::vector<std::thread> threads;
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) {
        auto u = make_update("p" + std::to_string(p) + "-" + std::to_string(i));
        hub->publish(std::move(u), [&](hub::AppendResult r) {
          if (r.ok()) ++kept;
        });
      }
    });
  }
  // Resuming subscribers come and go on both shards while the publishers run.
  std::vector<std::unique_ptr<SeqRecorder>> resumed(8);
  std::atomic<bool> in_order = true;
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      for (int i = r; i < 8; i += 2) {
        ThreadShard& shard = *shards[i % 2];
        resumed[i] = std::make_unique<SeqRecorder>();
        shard.run_and_wait([&] { hub->subscribe(i % 2, *resumed[i], "earliest"); });
        (void)hub->newest_id();
        (void)hub->history_size();
        std::this_thread::sleep_for(1ms);
        if (i < 4) {  // half leave early, half stay to the end
          shard.run_and_wait([&] { hub->unsubscribe(i % 2, *resumed[i]); });
          if (!increasing(resumed[i]->seqs)) in_order = false;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(eventually([&] { return kept == kTotal; }));
  // Everything is handed to the shards once completed; let them deliver it.
  auto delivered = [&](SeqRecorder& s, ThreadShard& shard) {
    std::size_t got = 0;
    shard.run_and_wait([&] { got = s.seqs.size(); });
    return got == kTotal;
  };
  EXPECT_TRUE(eventually([&] { return delivered(live, shard0); }));
  EXPECT_TRUE(increasing(live.seqs));
  EXPECT_TRUE(in_order);
  for (int i = 4; i < 8; ++i) {
    ThreadShard& shard = *shards[i % 2];
    EXPECT_TRUE(eventually([&] { return delivered(*resumed[i], shard); })) << "subscriber " << i;
    shard.run_and_wait([&] {
      EXPECT_TRUE(increasing(resumed[i]->seqs)) << "subscriber " << i;
      hub->unsubscribe(i % 2, *resumed[i]);
    });
  }
  shard0.run_and_wait([&] { hub->unsubscribe(0, live); });
  hub.reset();  // completes what the history holds, while the shards still run
}

}  // namespace
}  // namespace herald::store
