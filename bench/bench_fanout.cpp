// In-process fan-out through the real Fanout, with subscribers that queue the shared frame
// the way a stream does (no I/O): one event to N subscribers of one topic, exact topics
// against URI templates and URL patterns, private updates checked against token grants.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "herald/hub/fanout.hpp"

namespace {

using namespace herald::hub;
using herald::match::Selector;
using herald::match::SelectorSet;

class QueueingSubscriber final : public Subscriber {
 public:
  // `grants`: its token's subscribe selectors (null: anonymous); must outlive it.
  explicit QueueingSubscriber(std::vector<Selector> s, const SelectorSet* grants = nullptr)
      : Subscriber(std::move(s)), grants_(grants) {
    queue_.reserve(64);
  }
  void replay(const UpdatePtr&) override {}
  bool has_replay_room() const override { return true; }
  void deliver(const UpdatePtr& u) override { queue_.push_back(u); }
  void flush() override { queue_.clear(); }  // what a completed write does
  const SelectorSet* private_grants() const override { return grants_; }

 private:
  std::vector<UpdatePtr> queue_;
  const SelectorSet* grants_;
};

Selector parsed(const std::string& text) {
  std::string error;
  return *Selector::parse(text, &error);
}

// A Mercure 1.0 `match_urlpattern` selector, as a subscription or a token gives it.
Selector url_pattern(const std::string& text) {
  std::string error;
  return *Selector::url_pattern(text, "https://hub.example/", &error);
}

// Items processed = deliveries, so the report reads as time per delivery.
void fanout_one_topic(benchmark::State& state, const Selector& subscribe_to) {
  const auto subscribers = static_cast<std::size_t>(state.range(0));
  Fanout fanout;
  std::vector<std::unique_ptr<QueueingSubscriber>> subs;
  for (std::size_t i = 0; i < subscribers; ++i) {
    subs.push_back(std::make_unique<QueueingSubscriber>(std::vector<Selector>{subscribe_to}));
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
  fanout_one_topic(state, parsed("https://example.com/books/1"));
}
void BM_FanoutUriTemplate(benchmark::State& state) {
  fanout_one_topic(state, parsed("https://example.com/books/{id}"));
}
void BM_FanoutUrlPattern(benchmark::State& state) {
  fanout_one_topic(state, url_pattern("https://example.com/books/:id"));
}
BENCHMARK(BM_FanoutExactTopic)->Arg(1000)->Arg(10000);
BENCHMARK(BM_FanoutUriTemplate)->Arg(10000);
BENCHMARK(BM_FanoutUrlPattern)->Arg(10000);

// Issue 13: 10,000 subscribers spread over 1,000 selectors (10 each), events cycling
// through their 1,000 topics, so each event reaches 10 subscribers: the per-event lookup
// (a hash lookup for exact topics, the topic cache for URL patterns) weighs more than in
// the one-topic shape above. Items processed = deliveries.
constexpr int kSpreadSubscribers = 10000;
constexpr int kSpreadTopics = 1000;

void fanout_spread(benchmark::State& state, bool patterns) {
  Fanout fanout;
  std::vector<std::unique_ptr<QueueingSubscriber>> subs;
  std::vector<std::shared_ptr<Update>> updates;
  for (int t = 0; t < kSpreadTopics; ++t) {
    const std::string n = std::to_string(t);
    auto update = std::make_shared<Update>();
    update->topics = {"https://example.com/books/" + n + "/reviews"};
    update->frame.assign(64, 'x');
    updates.push_back(std::move(update));
    // A pattern that only its own topic matches, as a user's or a document's feed.
    const Selector selector = patterns ? url_pattern("https://example.com/books/" + n + "/:part")
                                       : parsed(updates.back()->topics[0]);
    for (int i = 0; i < kSpreadSubscribers / kSpreadTopics; ++i) {
      subs.push_back(std::make_unique<QueueingSubscriber>(std::vector<Selector>{selector}));
      fanout.add(*subs.back(), 0);
    }
  }
  std::uint64_t seq = 0;
  for (auto& update : updates) {  // warm: every topic cached, as on a long-running shard
    update->seq = ++seq;
    fanout.dispatch(update);
  }
  fanout.flush();
  std::size_t delivered = 0;
  for (auto _ : state) {
    auto& update = updates[seq % updates.size()];
    update->seq = ++seq;
    delivered += fanout.dispatch(update);
    fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
}

void BM_FanoutSpreadExactTopics(benchmark::State& state) {
  fanout_spread(state, false);
}
void BM_FanoutSpreadUrlPatterns(benchmark::State& state) {
  fanout_spread(state, true);
}
BENCHMARK(BM_FanoutSpreadExactTopics);
BENCHMARK(BM_FanoutSpreadUrlPatterns);

// One (URL pattern, topic) pair: evaluated, against answered from the shard's topic cache
// (one dispatch to one subscriber routed by the pattern, delivery included), with one
// exact subscriber through the same dispatch for scale.
void BM_UrlPatternPairUncached(benchmark::State& state) {
  const Selector pattern = url_pattern("https://example.com/books/:id");
  const std::string topic = "https://example.com/books/12345";
  for (auto _ : state)
    benchmark::DoNotOptimize(pattern.matches(topic));
}
BENCHMARK(BM_UrlPatternPairUncached);

void dispatch_one(benchmark::State& state, const Selector& selector) {
  Fanout fanout;
  QueueingSubscriber s({selector});
  fanout.add(s, 0);
  auto update = std::make_shared<Update>();
  update->topics = {"https://example.com/books/12345"};
  update->frame.assign(64, 'x');
  std::uint64_t seq = 0;
  for (auto _ : state) {
    update->seq = ++seq;
    benchmark::DoNotOptimize(fanout.dispatch(update));
    fanout.flush();
  }
  state.counters["evaluations"] = static_cast<double>(fanout.template_evaluations());
}
void BM_UrlPatternPairCached(benchmark::State& state) {
  dispatch_one(state, url_pattern("https://example.com/books/:id"));
}
void BM_ExactPairDispatched(benchmark::State& state) {
  dispatch_one(state, parsed("https://example.com/books/12345"));
}
BENCHMARK(BM_UrlPatternPairCached);
BENCHMARK(BM_ExactPairDispatched);

// Issue 13: a private update to 10,000 subscribers of one topic, each with a token whose
// subscribe grants are two URL patterns (its own inbox, and the books it may read), the
// second matching. After: the grants are checked through the shard's topic cache. Before:
// every delivery evaluated the subscriber's grants (one SelectorSet::matches_any per private
// delivery); BM_PrivateFanoutUncachedGrants
// reproduces that cost in the same run as the public fan-out plus one matches_any per
// subscriber. Items processed = deliveries.
constexpr int kPrivateSubscribers = 10000;

struct PrivateShard {
  Fanout fanout;
  std::vector<SelectorSet> grants;
  std::vector<std::unique_ptr<QueueingSubscriber>> subs;
  std::shared_ptr<Update> update = std::make_shared<Update>();
  // `with_grants` false: the subscribers give the fan-out no grants, as before.
  explicit PrivateShard(bool with_grants) {
    grants.reserve(kPrivateSubscribers);  // the subscribers point into it
    for (int i = 0; i < kPrivateSubscribers; ++i) {
      grants.emplace_back(std::vector<Selector>{
          url_pattern("https://example.com/users/" + std::to_string(i) + "/inbox/:message"),
          url_pattern("https://example.com/books/:id")});
      subs.push_back(std::make_unique<QueueingSubscriber>(
          std::vector<Selector>{parsed("https://example.com/books/1")},
          with_grants ? &grants.back() : nullptr));
      fanout.add(*subs.back(), 0);
    }
    update->topics = {"https://example.com/books/1"};
    update->frame.assign(64, 'x');
  }
};

void BM_PrivateFanoutCachedGrants(benchmark::State& state) {
  PrivateShard shard(true);
  shard.update->is_private = true;
  std::uint64_t seq = 0;
  std::size_t delivered = 0;
  for (auto _ : state) {
    shard.update->seq = ++seq;
    delivered += shard.fanout.dispatch(shard.update);
    shard.fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
  state.counters["evaluations"] = static_cast<double>(shard.fanout.template_evaluations());
}
BENCHMARK(BM_PrivateFanoutCachedGrants)->Unit(benchmark::kMicrosecond);

void BM_PrivateFanoutUncachedGrants(benchmark::State& state) {
  PrivateShard shard(false);
  std::uint64_t seq = 0;
  std::size_t delivered = 0;
  for (auto _ : state) {
    shard.update->seq = ++seq;
    for (const SelectorSet& g : shard.grants)
      benchmark::DoNotOptimize(g.matches_any(shard.update->topics));
    delivered += shard.fanout.dispatch(shard.update);  // public: no check in the fan-out
    shard.fanout.flush();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
}
BENCHMARK(BM_PrivateFanoutUncachedGrants)->Unit(benchmark::kMicrosecond);

// Issue 9, point 2: 500 subscribers with 30 distinct URI templates each (15,000 templates
// on one shard), the shape that took publishing from 3,900/s to 5/s. Items processed =
// publishes.
constexpr int kTemplateSubscribers = 500;
constexpr int kTemplatesEach = 30;

std::vector<Selector> templates_of(int subscriber) {
  std::vector<Selector> out;
  std::string error;
  for (int i = 0; i < kTemplatesEach; ++i) {
    // Same host as the topics: each match runs the matcher, not only a prefix check.
    const std::string text = "https://example.com/{kind}/s" + std::to_string(subscriber) + "-" +
                             std::to_string(i) + "/{id}";
    out.push_back(*Selector::parse(text, &error));
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
