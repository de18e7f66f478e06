// The memory history's append, as a publish pays it under the hub lock: a full ring (every
// append evicts), with and without the per-topic bound, and the per-topic eviction from
// the middle of the ring (a chatty topic among quiet ones).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "herald/store/memory_history.hpp"

namespace {

using herald::hub::Update;
using herald::store::HistoryLimits;
using herald::store::MemoryHistory;

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
    history.append(u);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryHistoryAppend)
    ->Args({0, 1})  // no per-topic bound: ring eviction only
    ->Args({0, 1000})
    ->Args({1000, 1})     // one topic over its bound: every append evicts its oldest
    ->Args({100, 1000});  // many topics, each over its bound: evictions from the middle

}  // namespace
