// Property: a private update reaches a subscriber only when one of its topics matches one
// of the subscriber's mercure.subscribe selectors (never an anonymous subscriber), and
// every update a subscriber may see reaches it exactly once, live or by replay. Checked
// against an oracle over random topics, selectors, claims and join times, with the real
// hub, history and StreamSubscriber.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "../common/recording_sink.hpp"
#include "herald/auth/claims.hpp"
#include "hub_fixture.hpp"
#include "stream_subscriber.hpp"

namespace herald::server {
namespace {

const std::vector<std::string> topics_pool = {"https://example.com/books/1",
                                              "https://example.com/books/2",
                                              "https://example.com/users/1",
                                              "https://example.com/users/1/inbox",
                                              "urn:herald:chat",
                                              "plain topic"};
const std::vector<std::string> selectors_pool = {"https://example.com/books/1",
                                                 "https://example.com/books/{id}",
                                                 "https://example.com/{kind}/1",
                                                 "https://example.com/users/1{/rest}",
                                                 "https://example.com/{+any}",
                                                 "urn:herald:chat",
                                                 "plain topic",
                                                 "*",
                                                 "https://example.com/none"};

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

// Mercure 1.0 tokens grant URL patterns: matched through the shard's topic cache like
// the templates above.
const std::vector<std::string> grant_patterns_pool = {
    "https://example.com/books/:id", "https://example.com/users/:id/*",
    "https://example.com/:kind/1", "urn\\:herald\\:chat"};

match::Selector grant(std::mt19937& rng) {
  if (rng() % 2 == 0) return *match::Selector::parse(pick(rng, selectors_pool), nullptr);
  return *match::Selector::url_pattern(pick(rng, grant_patterns_pool), "https://example.com/",
                                       nullptr);
}

struct Client {
  std::vector<std::string> selectors;
  std::shared_ptr<const auth::Claims> claims;  // null: anonymous
  std::shared_ptr<herald::test::RecordingSink> sink;
  std::shared_ptr<StreamSubscriber> subscriber;
};

// The oracle's rule for who may see an update it is routed to, spelled out here rather than
// taken from the hub: a public update, anyone; a private one, a subscriber with claims one
// of whose subscribe selectors matches one of the update's topics (never an anonymous one).
bool may_receive(const auth::Claims* claims, const hub::Update& update) {
  if (!update.is_private) return true;
  if (claims == nullptr) return false;
  for (const match::Selector& s : claims->subscribe.selectors()) {
    for (const std::string& topic : update.topics) {
      if (s.matches(topic)) return true;
    }
  }
  return false;
}

std::set<std::string> received_ids(const std::string& wire) {
  std::set<std::string> ids;
  std::size_t pos = 0;
  while ((pos = wire.find("id: ", pos)) != std::string::npos) {
    std::size_t eol = wire.find('\n', pos);
    ids.insert(wire.substr(pos + 4, eol - pos - 4));
    pos = eol;
  }
  return ids;
}

void run_seed(unsigned seed) {
  std::mt19937 rng(seed);
  test::ManualShard shard;
  hub::Hub hub(std::make_unique<store::MemoryHistory>(store::HistoryLimits{100000, 64 << 20}),
               {shard.post()});
  Metrics metrics;
  std::vector<Client> clients;
  std::vector<hub::UpdatePtr> published;

  auto join = [&](const std::string& last_event_id) {
    Client c;
    std::vector<match::Selector> selectors;
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
      const std::string& text = pick(rng, selectors_pool);
      // Distinct, as the subscribe endpoint makes them.
      if (std::find(c.selectors.begin(), c.selectors.end(), text) != c.selectors.end()) continue;
      c.selectors.push_back(text);
      selectors.push_back(*match::Selector::parse(text, nullptr));
    }
    if (rng() % 10 >= 3) {
      auto claims = std::make_shared<auth::Claims>();
      for (int n = static_cast<int>(rng() % 3); n > 0; --n) {
        claims->subscribe.add(grant(rng));
      }
      c.claims = claims;
    }
    c.sink = std::make_shared<herald::test::RecordingSink>(clients.size() + 1);
    c.subscriber =
        std::make_shared<StreamSubscriber>(std::move(selectors), c.claims, 1 << 30, metrics);
    c.subscriber->attach(c.sink);
    hub.subscribe(0, *c.subscriber, last_event_id);  // the replay comes when the shard runs
    clients.push_back(std::move(c));
  };
  auto publish = [&](int i) {
    auto u = std::make_shared<hub::Update>();
    u->id = 'u' + std::to_string(i);
    for (int n = 1 + static_cast<int>(rng() % 2); n > 0; --n)
      u->topics.push_back(pick(rng, topics_pool));
    u->is_private = rng() % 2 == 0;
    u->frame = "id: " + u->id + "\ndata: x\n\n";
    published.push_back(u);
    hub.publish(std::move(u));
  };

  for (int i = 0; i < 20; ++i)
    join("");
  for (int i = 0; i < 150; ++i) {
    publish(i);
    if (i % 10 == 0) shard.run();
    if (i % 15 == 0) join("earliest");  // late joiners get the rest by replay
  }
  shard.run();

  for (const Client& c : clients) {
    std::set<std::string> expected;
    for (const auto& u : published) {
      bool routed = false;
      for (const auto& s : c.selectors) {
        for (const auto& t : u->topics)
          routed = routed || match::Selector::parse(s, nullptr)->matches(t);
      }
      if (routed && may_receive(c.claims.get(), *u)) {
        expected.insert(u->id);
      }
    }
    std::set<std::string> got = received_ids(c.sink->written());
    for (const std::string& id : got) {
      ASSERT_TRUE(expected.count(id)) << "seed " << seed << ": " << id << " leaked to a client";
    }
    ASSERT_EQ(got, expected) << "seed " << seed;
    // Each at most once: the wire holds as many frames as distinct ids.
    std::size_t frames = 0;
    for (std::size_t p = 0; (p = c.sink->written().find("id: ", p)) != std::string::npos; ++p)
      ++frames;
    ASSERT_EQ(frames, got.size()) << "seed " << seed << ": a duplicate delivery";
  }
  for (Client& c : clients)
    hub.unsubscribe(0, *c.subscriber);
}

TEST(PrivateDelivery, NeverLeaksNeverLosesAcrossLiveAndReplay) {
  for (unsigned seed = 1; seed <= 30; ++seed)
    run_seed(seed);
}

// The hub applies the private rule to the grants a subscriber gives it (tests/unit/hub):
// a stream gives its token's subscribe selectors, and an anonymous one none.
TEST(PrivateDelivery, AStreamGivesTheHubItsTokensSubscribeGrants) {
  Metrics metrics;
  StreamSubscriber anonymous({*match::Selector::parse("*", nullptr)}, nullptr, 1024, metrics);
  EXPECT_EQ(anonymous.private_grants(), nullptr);

  auto claims = std::make_shared<auth::Claims>();
  claims->subscribe.add(*match::Selector::parse("https://example.com/books/{id}", nullptr));
  StreamSubscriber authorized({*match::Selector::parse("*", nullptr)}, claims, 1024, metrics);
  EXPECT_EQ(authorized.private_grants(), &claims->subscribe);
}

}  // namespace
}  // namespace herald::server
