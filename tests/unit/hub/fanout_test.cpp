#include "herald/hub/fanout.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace herald::hub {
namespace {

std::vector<match::Selector> selectors(std::initializer_list<const char*> texts) {
  std::vector<match::Selector> out;
  for (const char* t : texts) {
    std::string error;
    auto s = match::Selector::parse(t, &error);
    EXPECT_TRUE(s) << error;
    out.push_back(std::move(*s));
  }
  return out;
}

UpdatePtr update(std::uint64_t seq, std::vector<std::string> topics, bool is_private = false) {
  auto u = std::make_shared<Update>();
  u->seq = seq;
  u->id = "id-" + std::to_string(seq);
  u->topics = std::move(topics);
  u->is_private = is_private;
  u->frame = "data: " + u->id + "\n\n";
  return u;
}

match::Selector url_pattern(const char* text) {
  std::string error;
  auto s = match::Selector::url_pattern(text, "https://hub.example/", &error);
  EXPECT_TRUE(s) << error;
  return std::move(*s);
}

class RecordingSubscriber : public Subscriber {
 public:
  // `grants`: its token's subscribe selectors (null: anonymous); must outlive it.
  explicit RecordingSubscriber(std::vector<match::Selector> s,
                               const match::SelectorSet* grants = nullptr)
      : Subscriber(std::move(s)), grants_(grants) {}
  // Replays are the hub's concern, not the fan-out's.
  void replay(const UpdatePtr&) override {}
  bool has_replay_room() const override { return true; }
  void deliver(const UpdatePtr& u) override { received.push_back(u->id); }
  void missed(const Gap& gap) override {
    received.push_back(gap.reason == Gap::Reason::fell_behind_shared_log ? "(fell behind)"
                                                                         : "(gap)");
  }
  void flush() override { ++flushes; }
  const match::SelectorSet* private_grants() const override { return grants_; }
  std::vector<std::string> received;
  int flushes = 0;

 private:
  const match::SelectorSet* grants_;
};

TEST(Fanout, DeliversToExactTemplateAndAnySelectors) {
  Fanout fanout;
  RecordingSubscriber exact(selectors({"https://example.com/books/1"}));
  RecordingSubscriber tmpl(selectors({"https://example.com/books/{id}"}));
  RecordingSubscriber any(selectors({"*"}));
  RecordingSubscriber other(selectors({"https://example.com/authors/{id}"}));
  for (auto* s : {&exact, &tmpl, &any, &other})
    fanout.add(*s, 0);

  fanout.dispatch(update(1, {"https://example.com/books/1"}));
  fanout.dispatch(update(2, {"https://example.com/books/2"}));
  fanout.flush();

  EXPECT_EQ(exact.received, (std::vector<std::string>{"id-1"}));
  EXPECT_EQ(tmpl.received, (std::vector<std::string>{"id-1", "id-2"}));
  EXPECT_EQ(any.received, (std::vector<std::string>{"id-1", "id-2"}));
  EXPECT_TRUE(other.received.empty());
  // One flush per touched subscriber per batch, however many updates it got.
  EXPECT_EQ(tmpl.flushes, 1);
  EXPECT_EQ(other.flushes, 0);
}

TEST(Fanout, MissedByAllTellsEverySubscriberOnceAndFlushesIt) {
  Fanout fanout;
  // In several lists at once (an exact topic, a template, `*`), and one in none but a URL
  // pattern's.
  RecordingSubscriber many(
      selectors({"https://example.com/books/1", "https://example.com/books/{id}", "*"}));
  RecordingSubscriber one(selectors({"https://example.com/authors/1"}));
  RecordingSubscriber pattern({url_pattern("https://example.com/shelves/:id")});
  for (auto* s : {&many, &one, &pattern})
    fanout.add(*s, 0);
  fanout.dispatch(update(1, {"https://example.com/books/1"}));
  EXPECT_EQ(fanout.missed_by_all({Gap::Reason::fell_behind_shared_log, nullptr}), 3u);
  fanout.dispatch(update(2, {"https://example.com/authors/1"}));
  fanout.flush();
  EXPECT_EQ(many.received, (std::vector<std::string>{"id-1", "(fell behind)", "id-2"}));
  EXPECT_EQ(one.received, (std::vector<std::string>{"(fell behind)", "id-2"}));
  EXPECT_EQ(pattern.received, (std::vector<std::string>{"(fell behind)"}));
  EXPECT_EQ(pattern.flushes, 1) << "told in this batch: its flush writes it";
  EXPECT_EQ(many.flushes, 1);
}

TEST(Fanout, OneDeliveryWhenSeveralTopicsAndSelectorsMatch) {
  Fanout fanout;
  RecordingSubscriber s(selectors({"a", "b", "{x}", "*"}));
  fanout.add(s, 0);
  fanout.dispatch(update(1, {"a", "b", "c"}));
  fanout.flush();
  EXPECT_EQ(s.received, (std::vector<std::string>{"id-1"}));
}

TEST(Fanout, SkipsUpdatesAtOrBelowSeenSeq) {
  Fanout fanout;
  RecordingSubscriber s(selectors({"a"}));
  fanout.add(s, 5);  // 1..5 came through the replay
  fanout.dispatch(update(5, {"a"}));
  fanout.dispatch(update(6, {"a"}));
  EXPECT_EQ(s.received, (std::vector<std::string>{"id-6"}));
}

TEST(Fanout, PrivateUpdatesOnlyReachAuthorizedSubscribers) {
  Fanout fanout;
  RecordingSubscriber anonymous(selectors({"a"}));
  const match::SelectorSet all(selectors({"*"}));
  RecordingSubscriber authorized(selectors({"a"}), &all);
  fanout.add(anonymous, 0);
  fanout.add(authorized, 0);
  fanout.dispatch(update(1, {"a"}, true));
  EXPECT_TRUE(anonymous.received.empty());
  EXPECT_EQ(authorized.received, (std::vector<std::string>{"id-1"}));
}

TEST(Fanout, RemoveKeepsOtherSubscribersReachable) {
  Fanout fanout;
  std::vector<std::unique_ptr<RecordingSubscriber>> subs;
  for (int i = 0; i < 10; ++i) {
    subs.push_back(std::make_unique<RecordingSubscriber>(selectors({"a", "{t}"})));
    fanout.add(*subs.back(), 0);
  }
  // Remove from the middle, the front and the back: swap-removal must fix slots.
  for (int i : {4, 0, 9, 5})
    fanout.remove(*subs[i]);
  EXPECT_EQ(fanout.subscriber_count(), 6u);
  fanout.dispatch(update(1, {"a"}));
  for (int i = 0; i < 10; ++i) {
    bool removed = i == 4 || i == 0 || i == 9 || i == 5;
    EXPECT_EQ(subs[i]->received.size(), removed ? 0u : 1u) << i;
  }
  // Removing the rest leaves no index entries behind.
  for (int i : {1, 2, 3, 6, 7, 8})
    fanout.remove(*subs[i]);
  EXPECT_EQ(fanout.subscriber_count(), 0u);
  EXPECT_EQ(fanout.template_selector_count(), 0u);
}

TEST(Fanout, RepeatedSelectorsAreIndexedOnce) {
  Fanout fanout;
  RecordingSubscriber twice(selectors({"a", "a", "{t}", "{t}"}));
  RecordingSubscriber other(selectors({"a"}));
  fanout.add(twice, 0);
  fanout.add(other, 0);
  fanout.dispatch(update(1, {"a"}));
  EXPECT_EQ(twice.received.size(), 1u);
  fanout.remove(twice);  // used to trip the slot bookkeeping
  fanout.dispatch(update(2, {"a"}));
  EXPECT_EQ(other.received, (std::vector<std::string>{"id-1", "id-2"}));
  fanout.remove(other);
  EXPECT_EQ(fanout.subscriber_count(), 0u);
  EXPECT_EQ(fanout.template_selector_count(), 0u);
}

TEST(Fanout, TemplateCacheSeesNewTemplates) {
  Fanout fanout;
  RecordingSubscriber first(selectors({"/books/{id}"}));
  fanout.add(first, 0);
  fanout.dispatch(update(1, {"/authors/1"}));  // caches "no template matches"
  RecordingSubscriber second(selectors({"/authors/{id}"}));
  fanout.add(second, 0);
  fanout.dispatch(update(2, {"/authors/1"}));
  EXPECT_EQ(second.received, (std::vector<std::string>{"id-2"}));
  EXPECT_TRUE(first.received.empty());
}

// Issue 9: any template subscribe or unsubscribe emptied the shard's topic cache, so every
// publish matched every template again while subscribers came and went.
TEST(Fanout, TemplateSubscribersComingAndGoingKeepTheTopicCache) {
  Fanout fanout;
  RecordingSubscriber books(selectors({"/books/{id}"}));
  fanout.add(books, 0);
  fanout.dispatch(update(1, {"/books/1"}));
  EXPECT_EQ(fanout.template_evaluations(), 1u);
  fanout.dispatch(update(2, {"/books/1"}));
  EXPECT_EQ(fanout.template_evaluations(), 1u);  // cached

  RecordingSubscriber authors(selectors({"/authors/{id}"}));
  fanout.add(authors, 0);
  fanout.dispatch(update(3, {"/books/1"}));
  EXPECT_EQ(fanout.template_evaluations(), 2u);  // only the new template was tried
  fanout.remove(authors);
  fanout.dispatch(update(4, {"/books/1"}));
  EXPECT_EQ(fanout.template_evaluations(), 2u);  // nothing to match again
  EXPECT_EQ(books.received, (std::vector<std::string>{"id-1", "id-2", "id-3", "id-4"}));
  EXPECT_TRUE(authors.received.empty());
}

TEST(Fanout, IdenticalTemplatesAreIndexedAndMatchedOnce) {
  Fanout fanout;
  std::vector<std::unique_ptr<RecordingSubscriber>> subs;
  for (int i = 0; i < 20; ++i) {
    subs.push_back(std::make_unique<RecordingSubscriber>(selectors({"/books/{id}"})));
    fanout.add(*subs.back(), 0);
  }
  EXPECT_EQ(fanout.template_selector_count(), 1u);
  EXPECT_EQ(fanout.dispatch(update(1, {"/books/7"})), 20u);
  EXPECT_EQ(fanout.template_evaluations(), 1u);
  for (int i = 0; i < 19; ++i)
    fanout.remove(*subs[i]);
  EXPECT_EQ(fanout.dispatch(update(2, {"/books/7"})), 1u);
  EXPECT_EQ(fanout.template_evaluations(), 1u);
}

TEST(Fanout, TheTopicCacheIsBoundedAndEvictsTheLeastRecentlyUsed) {
  Fanout fanout(/*topic_cache_limit=*/2);
  RecordingSubscriber s(selectors({"/t/{id}"}));
  fanout.add(s, 0);
  std::uint64_t seq = 0;
  for (const char* topic : {"/t/x", "/t/y", "/t/x", "/t/z"})
    fanout.dispatch(update(++seq, {topic}));
  EXPECT_EQ(fanout.cached_topic_count(), 2u);
  EXPECT_EQ(fanout.template_evaluations(), 3u);  // x, y, z
  fanout.dispatch(update(++seq, {"/t/x"}));      // used recently: still cached
  EXPECT_EQ(fanout.template_evaluations(), 3u);
  fanout.dispatch(update(++seq, {"/t/y"}));  // the least recently used: evicted
  EXPECT_EQ(fanout.template_evaluations(), 4u);
  EXPECT_EQ(s.received.size(), 6u);
}

TEST(Fanout, TheTopicCacheIsBoundedByTemplateReferencesToo) {
  Fanout fanout(/*topic_cache_limit=*/100, /*template_refs_limit=*/4);
  std::vector<std::unique_ptr<RecordingSubscriber>> subs;
  for (const char* t : {"/t/{a}", "/t/{b}", "{+all}"}) {
    subs.push_back(std::make_unique<RecordingSubscriber>(selectors({t})));
    fanout.add(*subs.back(), 0);
  }
  fanout.dispatch(update(1, {"/t/1"}));  // 3 references
  fanout.dispatch(update(2, {"/t/2"}));  // 3 more: the first topic goes
  EXPECT_EQ(fanout.cached_topic_count(), 1u);
  for (auto& s : subs)
    EXPECT_EQ(s->received.size(), 2u);
}

TEST(Fanout, AReusedTemplateSlotNeverDeliversAStaleMatch) {
  Fanout fanout;
  RecordingSubscriber books(selectors({"/books/{id}"}));
  fanout.add(books, 0);
  fanout.dispatch(update(1, {"/books/1"}));  // caches: /books/{id} matches
  fanout.remove(books);
  RecordingSubscriber authors(selectors({"/authors/{id}"}));  // takes the freed slot
  RecordingSubscriber books_again(selectors({"/books/{id}"}));
  fanout.add(authors, 0);
  fanout.add(books_again, 0);
  fanout.dispatch(update(2, {"/books/1"}));
  fanout.flush();
  EXPECT_TRUE(authors.received.empty());
  EXPECT_EQ(books_again.received, (std::vector<std::string>{"id-2"}));
}

// The private check, grant by grant. Each subscriber routes every topic (`*`): only its
// grants decide.
TEST(Fanout, PrivateUpdatesFollowEachKindOfGrant) {
  struct Case {
    const char* name;
    match::SelectorSet grants;
  };
  std::vector<Case> cases;
  cases.push_back({"exact", match::SelectorSet(selectors({"https://example.com/books/1"}))});
  cases.push_back({"any", match::SelectorSet(selectors({"*"}))});
  cases.push_back(
      {"uri template", match::SelectorSet(selectors({"https://example.com/books/{id}"}))});
  cases.push_back(
      {"url pattern", match::SelectorSet({url_pattern("https://example.com/books/:id")})});
  for (const Case& c : cases) {
    Fanout fanout;
    RecordingSubscriber s(selectors({"*"}), &c.grants);
    fanout.add(s, 0);
    fanout.dispatch(update(1, {"https://example.com/books/1"}, true));
    fanout.dispatch(update(2, {"https://example.com/users/1"}, true));
    fanout.dispatch(update(3, {"https://example.com/users/1"}));
    const bool any = std::string(c.name) == "any";
    EXPECT_EQ(s.received, any ? (std::vector<std::string>{"id-1", "id-2", "id-3"})
                              : (std::vector<std::string>{"id-1", "id-3"}))
        << c.name;
  }
}

// Routed by its first topic, granted by another: every topic's grants are known before
// the first delivery.
TEST(Fanout, APrivateUpdateIsGrantedThroughAnyOfItsTopics) {
  const match::SelectorSet patterns({url_pattern("https://example.com/books/:id")});
  const match::SelectorSet exact(selectors({"https://example.com/books/2"}));
  Fanout fanout;
  RecordingSubscriber by_pattern(selectors({"https://example.com/users/1"}), &patterns);
  RecordingSubscriber by_exact(selectors({"https://example.com/users/1"}), &exact);
  fanout.add(by_pattern, 0);
  fanout.add(by_exact, 0);
  fanout.dispatch(update(1, {"https://example.com/users/1", "https://example.com/books/1"}, true));
  fanout.dispatch(update(2, {"https://example.com/users/1", "https://example.com/books/2"}, true));
  fanout.dispatch(update(3, {"https://example.com/users/1", "https://example.com/users/2"}, true));
  EXPECT_EQ(by_pattern.received, (std::vector<std::string>{"id-1", "id-2"}));
  EXPECT_EQ(by_exact.received, (std::vector<std::string>{"id-2"}));
}

TEST(Fanout, AGrantAndASelectorOfTheSameTextAreMatchedOncePerTopic) {
  const match::SelectorSet grants({url_pattern("https://example.com/books/:id")});
  Fanout fanout;
  RecordingSubscriber routed({url_pattern("https://example.com/books/:id")}, &grants);
  std::vector<std::unique_ptr<RecordingSubscriber>> granted;
  for (int i = 0; i < 10; ++i) {
    granted.push_back(std::make_unique<RecordingSubscriber>(selectors({"*"}), &grants));
    fanout.add(*granted.back(), 0);
  }
  fanout.add(routed, 0);
  EXPECT_EQ(fanout.template_selector_count(), 1u);
  for (std::uint64_t seq = 1; seq <= 5; ++seq)
    fanout.dispatch(update(seq, {"https://example.com/books/1"}, seq % 2 == 0));
  EXPECT_EQ(fanout.template_evaluations(), 1u);  // one pair, evaluated once while cached
  EXPECT_EQ(routed.received.size(), 5u);
  for (auto& s : granted)
    EXPECT_EQ(s->received.size(), 5u);
}

// Grants come and go while the topic stays cached: a grant gone stops matching (even when
// another takes its slot), a new one starts matching, and the cache is never emptied.
TEST(Fanout, GrantsComingAndGoingNeverGiveAStaleAnswer) {
  const match::SelectorSet books({url_pattern("https://example.com/books/:id")});
  const match::SelectorSet users({url_pattern("https://example.com/users/:id")});
  const match::SelectorSet books_template(selectors({"https://example.com/books/{id}"}));
  const std::string topic = "https://example.com/books/1";
  Fanout fanout;
  RecordingSubscriber watcher(selectors({"{+any}"}));  // keeps a template on the topic
  fanout.add(watcher, 0);
  RecordingSubscriber first(selectors({"*"}), &books);
  fanout.add(first, 0);
  fanout.dispatch(update(1, {topic}, true));
  EXPECT_EQ(first.received, (std::vector<std::string>{"id-1"}));
  EXPECT_EQ(fanout.template_evaluations(), 2u);

  fanout.remove(first);
  EXPECT_EQ(fanout.template_selector_count(), 1u) << "the grant's entry went with it";
  RecordingSubscriber other(selectors({"*"}), &users);  // takes the freed slot
  fanout.add(other, 0);
  fanout.dispatch(update(2, {topic}, true));
  EXPECT_TRUE(other.received.empty()) << "a stale match of the grant that left";
  EXPECT_EQ(fanout.cached_topic_count(), 1u);
  EXPECT_EQ(fanout.template_evaluations(), 3u) << "only the new grant was tried";

  RecordingSubscriber later(selectors({"*"}), &books_template);
  fanout.add(later, 0);
  fanout.dispatch(update(3, {topic}, true));
  EXPECT_EQ(later.received, (std::vector<std::string>{"id-3"}));
  EXPECT_EQ(fanout.template_evaluations(), 4u);
  EXPECT_EQ(fanout.selector_count(), 2u) << "grants are not subscribed selectors";
}

TEST(Fanout, GrantsCountAgainstTheTopicCacheBounds) {
  const match::SelectorSet grants(
      {url_pattern("https://example.com/:kind/:id"), url_pattern("https://example.com/*")});
  Fanout fanout(/*topic_cache_limit=*/3, /*template_refs_limit=*/4);
  RecordingSubscriber s(selectors({"*"}), &grants);
  fanout.add(s, 0);
  for (std::uint64_t seq = 1; seq <= 10; ++seq) {
    fanout.dispatch(update(seq, {"https://example.com/books/" + std::to_string(seq)}, true));
    EXPECT_LE(fanout.cached_topic_count(), 3u);
    EXPECT_LE(fanout.cached_template_refs(), 4u);
  }
  EXPECT_EQ(fanout.cached_topic_count(), 2u);  // 2 references each
  EXPECT_EQ(s.received.size(), 10u);
}

}  // namespace
}  // namespace herald::hub
