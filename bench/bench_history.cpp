// History appends, as a publish pays them. The memory history's append under the hub lock:
// a full ring (every append evicts), with and without the per-topic bound, and the
// per-topic eviction from the middle of the ring (a chatty topic among quiet ones). Then
// appends through the History interface side by side, memory against LMDB in each sync
// mode, waiting for every completion: one at a time (each pays its own commit) and
// pipelined (many in flight, as under many publishers: the writer commits them in groups).
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "herald/store/lmdb_history.hpp"
#include "herald/store/memory_history.hpp"

namespace {

using herald::hub::AppendResult;
using herald::hub::History;
using herald::hub::Update;
using herald::store::HistoryLimits;
using herald::store::LmdbHistory;
using herald::store::LmdbOptions;
using herald::store::MemoryHistory;
using herald::store::SyncMode;

// Pre-built updates, so the loop measures append and eviction only.
std::vector<std::shared_ptr<Update>> updates(std::size_t count, std::size_t topics) {
  std::vector<std::shared_ptr<Update>> out;
  for (std::size_t i = 0; i < count; ++i) {
    auto u = std::make_shared<Update>();
    u->id = "urn:uuid:" + std::to_string(i);
    u->topics = {"https://example.com/topics/" + std::to_string(i % topics)};
    u->frame.assign(64, 'x');
    out.push_back(std::move(u));
  }
  return out;
}

// range(0): per-topic bound (0: none); range(1): distinct topics.
void BM_MemoryHistoryAppend(benchmark::State& state) {
  const auto per_topic = static_cast<std::size_t>(state.range(0));
  const auto topics = static_cast<std::size_t>(state.range(1));
  MemoryHistory history(HistoryLimits{
      .max_events = 10000, .max_bytes = std::size_t{1} << 30, .max_per_topic = per_topic});
  auto pool = updates(1 << 16, topics);
  std::size_t i = 0;
  for (auto _ : state) {
    auto& u = pool[i++ & (pool.size() - 1)];
    u->seq = history.next_seq();
    history.append(u, {});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryHistoryAppend)
    ->Args({0, 1})  // no per-topic bound: ring eviction only
    ->Args({0, 1000})
    ->Args({1000, 1})     // one topic over its bound: every append evicts its oldest
    ->Args({100, 1000});  // many topics, each over its bound: evictions from the middle

// A fresh directory for the LMDB history of one benchmark, removed after it.
class BenchDir {
 public:
  BenchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "herald-bench-lmdb-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Counts completions; append() keeps at most `window` appends in flight.
class InFlight {
 public:
  void append(History& history, const std::shared_ptr<Update>& u, std::size_t window) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return started_ - completed_ < window; });
    ++started_;
    lock.unlock();
    if (history.append(u, [this](AppendResult) { complete(); })) complete();
  }
  void wait_all() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return started_ == completed_; });
  }

 private:
  void complete() {
    {
      std::lock_guard lock(mutex_);
      ++completed_;
    }
    done_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t started_ = 0, completed_ = 0;
};

// range(0): 0 memory, 1 LMDB full, 2 LMDB batch, 3 LMDB off; range(1): appends in flight.
// Each iteration appends updates of 64 bytes (100 one at a time, where a full sync pays
// an fsync each; else 1,000) and waits for their completions.
void BM_HistoryAppendCompleted(benchmark::State& state) {
  const auto window = static_cast<std::size_t>(state.range(1));
  const std::size_t per_iteration = window == 1 ? 100 : 1000;
  const HistoryLimits limits{.max_events = 100000, .max_bytes = std::size_t{1} << 30};
  BenchDir dir;
  std::unique_ptr<History> history;
  if (state.range(0) == 0) {
    history = std::make_unique<MemoryHistory>(limits);
  } else {
    const SyncMode modes[] = {SyncMode::full, SyncMode::batch, SyncMode::off};
    history = std::make_unique<LmdbHistory>(
        LmdbOptions{.directory = dir.path(), .sync = modes[state.range(0) - 1], .limits = limits});
  }
  auto pool = updates(1 << 16, 1000);
  std::size_t i = 0;
  InFlight in_flight;
  for (auto _ : state) {
    for (std::size_t n = 0; n < per_iteration; ++n) {
      auto& u = pool[i++ & (pool.size() - 1)];
      u->seq = history->next_seq();
      in_flight.append(*history, u, window);
    }
    in_flight.wait_all();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per_iteration));
  const char* names[] = {"memory", "lmdb-full", "lmdb-batch", "lmdb-off"};
  state.SetLabel(std::string(names[state.range(0)]) +
                 (window == 1 ? " one at a time" : " pipelined"));
}
BENCHMARK(BM_HistoryAppendCompleted)
    ->ArgsProduct({{0, 1, 2, 3}, {1, 1000}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
