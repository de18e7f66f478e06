// In-process fan-out: one event to N subscribers of one topic, through the real Fanout,
// with subscribers that queue the shared frame the way a stream does (no I/O).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "herald/hub/fanout.hpp"

namespace {

using namespace herald::hub;

class QueueingSubscriber final : public Subscriber {
 public:
  explicit QueueingSubscriber(std::vector<herald::match::Selector> s) : Subscriber(std::move(s)) {
    queue_.reserve(64);
  }
  void replay(const UpdatePtr&) override {}
  bool has_replay_room() const override { return true; }
  void deliver(const UpdatePtr& u) override { queue_.push_back(u); }
  void flush() override { queue_.clear(); }  // what a completed write does
  bool may_receive_private(const Update&) const override { return false; }

 private:
  std::vector<UpdatePtr> queue_;
};

std::vector<herald::match::Selector> selector(const char* text) {
  std::string error;
  return {*herald::match::Selector::parse(text, &error)};
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

// Issue 9, point 2: 500 subscribers with 30 distinct URI templates each (15,000 templates
// on one shard), the shape that took publishing from 3,900/s to 5/s. Items processed =
// publishes.
constexpr int kTemplateSubscribers = 500;
constexpr int kTemplatesEach = 30;

std::vector<herald::match::Selector> templates_of(int subscriber) {
  std::vector<herald::match::Selector> out;
  std::string error;
  for (int i = 0; i < kTemplatesEach; ++i) {
    // Same host as the topics: each match runs the matcher, not only a prefix check.
    const std::string text = "https://example.com/{kind}/s" + std::to_string(subscriber) + "-" +
                             std::to_string(i) + "/{id}";
    out.push_back(*herald::match::Selector::parse(text, &error));
  }
  return out;
}

struct TemplateShard {
  Fanout fanout;
  std::vector<std::unique_ptr<QueueingSubscriber>> subs;
  TemplateShard() {
    for (int i = 0; i < kTemplateSubscribers; ++i) {
      subs.push_back(std::make_unique<QueueingSubscriber>(templates_of(i)));
      fanout.add(*subs.back(), 0);
    }
  }
};

std::shared_ptr<Update> update_on(std::string topic) {
  auto update = std::make_shared<Update>();
  update->topics = {std::move(topic)};
  update->frame.assign(64, 'x');
  return update;
}

// Every publish names a topic never seen: each is matched against every template.
void BM_TemplateSubscribersFreshTopics(benchmark::State& state) {
  TemplateShard shard;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    auto update = update_on("https://example.com/books/" + std::to_string(seq));
    update->seq = ++seq;
    shard.fanout.dispatch(update);
    shard.fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_TemplateSubscribersFreshTopics)->Unit(benchmark::kMicrosecond);

// Publishes cycle through 100 topics: the topic cache should answer.
void BM_TemplateSubscribersRepeatedTopics(benchmark::State& state) {
  TemplateShard shard;
  std::vector<std::shared_ptr<Update>> updates;
  for (int i = 0; i < 100; ++i)
    updates.push_back(update_on("https://example.com/books/" + std::to_string(i)));
  std::uint64_t seq = 0;
  for (auto& update : updates) {  // warm: every topic has been seen once
    update->seq = ++seq;
    shard.fanout.dispatch(update);
  }
  shard.fanout.flush();
  for (auto _ : state) {
    auto& update = updates[seq % updates.size()];
    update->seq = ++seq;
    shard.fanout.dispatch(update);
    shard.fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_TemplateSubscribersRepeatedTopics)->Unit(benchmark::kMicrosecond);

// Template subscribers come and go (one leaves, one joins, 30 templates each) between
// publishes on the same 100 topics: the churn must not cost the other subscribers their
// cached matches.
void BM_TemplateSubscriberChurnWhilePublishing(benchmark::State& state) {
  TemplateShard shard;
  std::vector<std::shared_ptr<Update>> updates;
  for (int i = 0; i < 100; ++i)
    updates.push_back(update_on("https://example.com/books/" + std::to_string(i)));
  // Joiners built ahead of time: parsing their templates is not the fan-out's cost.
  std::vector<std::unique_ptr<QueueingSubscriber>> joiners;
  for (int i = 0; i < 64; ++i)
    joiners.push_back(std::make_unique<QueueingSubscriber>(templates_of(kTemplateSubscribers + i)));
  std::uint64_t seq = 0;
  for (auto& update : updates) {  // warm: every topic has been seen once
    update->seq = ++seq;
    shard.fanout.dispatch(update);
  }
  shard.fanout.flush();
  std::size_t next = 0;
  for (auto _ : state) {
    QueueingSubscriber& leaving = *shard.subs[next % shard.subs.size()];
    QueueingSubscriber& joining = *joiners[next % joiners.size()];
    shard.fanout.remove(leaving);
    shard.fanout.add(joining, seq);
    auto& update = updates[seq % updates.size()];
    update->seq = ++seq;
    shard.fanout.dispatch(update);
    shard.fanout.flush();
    shard.fanout.remove(joining);
    shard.fanout.add(leaving, seq);
    ++next;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_TemplateSubscriberChurnWhilePublishing)->Unit(benchmark::kMicrosecond);

}  // namespace
