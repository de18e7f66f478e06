// In-process fan-out: one event to N subscribers of one topic, through the real Fanout,
// with subscribers that queue the shared frame the way a stream does (no I/O).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "herald/hub/fanout.hpp"

namespace {

using namespace herald::hub;

class QueueingSubscriber final : public Subscriber {
 public:
  explicit QueueingSubscriber(std::vector<Selector> s) : Subscriber(std::move(s)) {
    queue_.reserve(64);
  }
  void deliver(const UpdatePtr& u) override { queue_.push_back(u); }
  void flush() override { queue_.clear(); }  // what a completed write does
  bool may_receive_private(const Update&) const override { return false; }

 private:
  std::vector<UpdatePtr> queue_;
};

std::vector<Selector> selector(const char* text) {
  std::string error;
  return {*Selector::parse(text, &error)};
}

// Items processed = deliveries, so the report reads as time per delivery.
void fanout_one_topic(benchmark::State& state, const char* subscribe_to) {
  const auto subscribers = static_cast<std::size_t>(state.range(0));
  Fanout fanout;
  std::vector<std::unique_ptr<QueueingSubscriber>> subs;
  for (std::size_t i = 0; i < subscribers; ++i) {
    subs.push_back(std::make_unique<QueueingSubscriber>(selector(subscribe_to)));
    fanout.add(*subs.back(), 0);
  }
  auto update = std::make_shared<Update>();
  update->topics = {"https://example.com/books/1"};
  update->frame.assign(64, 'x');
  std::uint64_t seq = 0;
  for (auto _ : state) {
    update->seq = ++seq;
    fanout.dispatch(update);
    fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * subscribers));
}

void BM_FanoutExactTopic(benchmark::State& state) {
  fanout_one_topic(state, "https://example.com/books/1");
}
void BM_FanoutUriTemplate(benchmark::State& state) {
  fanout_one_topic(state, "https://example.com/books/{id}");
}
BENCHMARK(BM_FanoutExactTopic)->Arg(1000)->Arg(10000);
BENCHMARK(BM_FanoutUriTemplate)->Arg(10000);

}  // namespace
