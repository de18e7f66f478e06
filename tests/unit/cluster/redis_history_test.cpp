// The Redis stream as bus and shared history, against a real redis-server started here:
// every node delivers every node's updates in one order, resumes from any node's ids,
// waits for Redis when it is away (refusing appends meanwhile) and loses nothing across
// a Redis restart.
#include "herald/cluster/redis_history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include "redis_server.hpp"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;

RedisOptions options_for(const std::string& url, std::size_t history_size) {
  std::string error;
  RedisOptions o;
  o.address = *parse_redis_url(url, error);
  o.limits.max_events = history_size;
  o.max_backoff = 200ms;  // a restarted Redis is found again quickly
  return o;
}

hub::UpdatePtr update(const std::string& id, const std::string& topic, bool is_private = false) {
  auto u = std::make_shared<hub::Update>();
  u->id = id;
  u->topics = {topic, "urn:all"};
  u->is_private = is_private;
  u->frame = "id: " + id + "\ndata: " + topic + "\n\n";
  return u;
}

// One node: a RedisHistory and what it delivered, as a hub would receive it.
class Node {
  // Before the history, which delivers into them until it is destroyed.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<hub::UpdatePtr> got_;
  std::function<void()> hold_;

 public:
  // `hold`: called on the Redis thread before each delivery (a test makes it wait).
  explicit Node(const std::string& url, std::size_t history_size = 10000,
                std::function<void()> hold = {})
      : Node(options_for(url, history_size), std::move(hold)) {}
  explicit Node(RedisOptions options, std::function<void()> hold = {})
      : hold_(std::move(hold)), history(std::move(options)) {
    history.deliver_to(
        [this](const hub::UpdatePtr& u) {
          if (hold_) hold_();
          std::lock_guard lock(mutex_);
          got_.push_back(u);
          changed_.notify_all();
        },
        [this] {
          std::lock_guard lock(mutex_);
          got_.push_back(nullptr);  // "lost some" stands where the hub would see it
          changed_.notify_all();
        });
  }

  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return got_.size() >= count; });
  }
  bool wait_available(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!history.availability().appends) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
  std::vector<hub::UpdatePtr> got() {
    std::lock_guard lock(mutex_);
    return got_;
  }
  // The ids delivered, "(lost)" where the history reported a loss.
  std::vector<std::string> ids() {
    std::vector<std::string> out;
    for (const auto& u : got())
      out.push_back(u ? u->id : "(lost)");
    return out;
  }
  // Appends and waits for Redis's answer: the error, empty when kept.
  std::string append(const hub::UpdatePtr& u) {
    auto kept = std::make_shared<std::promise<std::string>>();
    auto answer = kept->get_future();
    EXPECT_FALSE(history.append(u, [kept](hub::AppendResult r) { kept->set_value(r.error); }));
    if (answer.wait_for(10s) != std::future_status::ready) return "no answer";
    return answer.get();
  }

  RedisHistory history;
};

TEST(RedisHistory, EveryNodeDeliversEveryUpdateInOneOrder) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available());
  ASSERT_TRUE(b.wait_available());
  std::vector<std::string> sent;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "e" + std::to_string(i);
    ASSERT_EQ((i % 2 == 0 ? a : b).append(update(id, "urn:t" + std::to_string(i % 3), i % 5 == 0)),
              "");
    sent.push_back(id);
  }
  ASSERT_TRUE(a.wait_for(40));
  ASSERT_TRUE(b.wait_for(40));
  // Appends answered one after the other are in the stream in that order, on both nodes.
  EXPECT_EQ(a.ids(), sent);
  EXPECT_EQ(b.ids(), sent);
  const auto got = b.got();
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i]->seq, i + 1) << "each node numbers what it reads, from 1";
    EXPECT_EQ(got[i]->frame, "id: " + sent[i] + "\ndata: urn:t" + std::to_string(i % 3) + "\n\n");
    EXPECT_EQ(got[i]->topics,
              (std::vector<std::string>{"urn:t" + std::to_string(i % 3), "urn:all"}));
    EXPECT_EQ(got[i]->is_private, i % 5 == 0);
  }
  EXPECT_EQ(b.history.size(), 40u);
  EXPECT_EQ(b.history.newest_id(), "e39");
}

TEST(RedisHistory, ResumesOnAnyNodeFromAnotherNodesIds) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(a.append(update(i == 7 ? "again" : "r" + std::to_string(i), "urn:r")), "");
  ASSERT_EQ(a.append(update("again", "urn:r")), "") << "a repeated id is accepted";
  ASSERT_TRUE(b.wait_for(11));

  hub::ResumePoint from = b.history.resume_point("r3");
  ASSERT_EQ(from.from, hub::ReplayFrom::after_id);
  std::vector<hub::UpdatePtr> replay;
  b.history.read(from.after_seq, b.history.next_seq() - 1, 100, replay);
  std::vector<std::string> ids;
  for (const auto& u : replay)
    ids.push_back(u->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"r4", "r5", "r6", "again", "r8", "r9", "again"}));
  // A repeated id resumes after its earliest occurrence.
  EXPECT_EQ(b.history.resume_point("again").after_seq, 8u);
  EXPECT_EQ(b.history.resume_point("never-published").from, hub::ReplayFrom::unknown);
}

TEST(RedisHistory, ANodeStartedLaterReadsTheWholeStreamBeforeServing) {
  RedisServer redis;
  Node a(redis.url());
  ASSERT_TRUE(a.wait_available());
  std::vector<std::string> sent;
  // More than one XREAD batch (1000), so reading to the end takes several.
  for (int i = 0; i < 1200; ++i) {
    sent.push_back("l" + std::to_string(i));
    a.history.append(update(sent.back(), "urn:l"), {});
  }
  ASSERT_EQ(a.append(update("last", "urn:l")), "");
  sent.push_back("last");
  Node late(redis.url());
  ASSERT_TRUE(late.wait_available());
  // Available only once it has read everything Redis held when it connected.
  EXPECT_EQ(late.got().size(), sent.size());
  EXPECT_EQ(late.ids(), sent);
}

TEST(RedisHistory, RefusesAppendsWhileRedisIsAwayAndServesOnceItComes) {
  const int port = testing::free_port();
  Node node("redis://127.0.0.1:" + std::to_string(port));
  std::this_thread::sleep_for(300ms);  // a connection attempt or two
  auto now = node.history.availability();
  EXPECT_FALSE(now.appends);
  EXPECT_FALSE(now.subscribes) << "no subscriber before the stream was read once";
  EXPECT_NE(now.reason.find("unreachable"), std::string::npos) << now.reason;
  EXPECT_NE(node.append(update("early", "urn:a")), "");

  RedisServer redis(port);
  ASSERT_TRUE(node.wait_available());
  EXPECT_TRUE(node.history.availability().subscribes);
  ASSERT_EQ(node.append(update("late", "urn:a")), "");
  ASSERT_TRUE(node.wait_for(1));
  EXPECT_EQ(node.ids(), std::vector<std::string>{"late"}) << "the refused update was never kept";
}

TEST(RedisHistory, ARedisRestartLosesAndRepeatsNothing) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(a.append(update("before" + std::to_string(i), "urn:x")), "");
  ASSERT_TRUE(b.wait_for(5));

  redis.kill(SIGKILL);  // appendfsync always: what Redis confirmed is in its AOF
  EXPECT_NE(a.append(update("during", "urn:x")), "") << "no 200 while Redis is away";
  // The refused append's answer may come just before the node marks Redis as away.
  for (int i = 0; i < 100 && a.history.availability().appends; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(a.history.availability().appends);
  EXPECT_TRUE(b.history.availability().subscribes) << "subscribers stay served meanwhile";
  redis.start();
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(b.append(update("after" + std::to_string(i), "urn:x")), "");
  ASSERT_TRUE(a.wait_for(10));
  ASSERT_TRUE(b.wait_for(10));
  std::this_thread::sleep_for(100ms);  // room for a duplicate to show up
  const std::vector<std::string> expected{"before0", "before1", "before2", "before3", "before4",
                                          "after0",  "after1",  "after2",  "after3",  "after4"};
  EXPECT_EQ(a.ids(), expected);
  EXPECT_EQ(b.ids(), expected);
  const RedisHistory::Stats stats = a.history.stats();
  EXPECT_EQ(stats.entries_read, 10u);
  EXPECT_GE(stats.reconnects, 2u) << "the command connection and the stream reader";
  EXPECT_TRUE(stats.commands_connected);
  EXPECT_TRUE(stats.tail_connected);
  EXPECT_GE(stats.lag_seconds, 0.0);
  EXPECT_LT(stats.lag_seconds, 5.0);
}

TEST(RedisHistory, SkipsStreamEntriesHeraldDidNotWrite) {
  RedisServer redis;
  Node node(redis.url());
  ASSERT_TRUE(node.wait_available());
  EXPECT_NE(redis.command({"XADD", "herald:events", "*", "someone", "else"}), "(no reply)");
  EXPECT_NE(redis.command({"XADD", "herald:events", "*", "u", "not a record"}), "(no reply)");
  ASSERT_EQ(node.append(update("ours", "urn:s")), "");
  ASSERT_TRUE(node.wait_for(1));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(node.ids(), std::vector<std::string>{"ours"});
  EXPECT_EQ(node.history.stats().skipped, 2u);
  EXPECT_EQ(node.history.stats().entries_read, 3u);
}

TEST(RedisHistory, CatchUpReturnsOnceTheNodeHasWhatRedisHeld) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  for (int round = 0; round < 20; ++round) {
    ASSERT_EQ(a.append(update("c" + std::to_string(round), "urn:c")), "");
    // Answered on a; b may not have read it yet: catch_up must wait until it has.
    std::promise<std::size_t> held;
    b.history.catch_up([&](bool caught_up) {
      EXPECT_TRUE(caught_up);
      held.set_value(b.got().size());
    });
    auto answer = held.get_future();
    ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(answer.get(), static_cast<std::size_t>(round + 1));
  }
}

TEST(RedisHistory, CatchUpSaysWhenItCannotTell) {
  RedisServer redis;
  Node node(redis.url());
  ASSERT_TRUE(node.wait_available());
  redis.kill(SIGKILL);
  for (int i = 0; i < 100 && node.history.availability().appends; ++i)
    std::this_thread::sleep_for(10ms);
  std::promise<bool> answer;
  node.history.catch_up([&](bool caught_up) { answer.set_value(caught_up); });
  auto told = answer.get_future();
  ASSERT_EQ(told.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(told.get()) << "without Redis the node cannot know what others delivered";
}

TEST(RedisHistory, AFrozenRedisIsNotReachableAndAnUnconfirmedAppendSaysSo) {
  RedisServer redis;
  RedisOptions options = options_for(redis.url(), 10000);
  options.command_timeout = 300ms;
  RedisHistory history(options);
  history.deliver_to([](const hub::UpdatePtr&) {}, [] {});
  for (int i = 0; i < 500 && !history.availability().appends; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(history.availability().appends);
  ::kill(redis.pid(), SIGSTOP);
  std::promise<hub::AppendResult> kept;
  history.append(update("frozen", "urn:f"), [&](hub::AppendResult r) { kept.set_value(r); });
  auto result = kept.get_future();
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  const hub::AppendResult r = result.get();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.outcome_unknown) << "sent: Redis may run it when it wakes: " << r.error;
  // It accepts TCP connections from its backlog but answers nothing: not reachable.
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(history.availability().appends);
  ::kill(redis.pid(), SIGCONT);
  for (int i = 0; i < 500 && !history.availability().appends; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(history.availability().appends);
}

TEST(RedisHistory, ANodeThatFellBehindTheStreamsLengthReportsTheLoss) {
  RedisServer redis;
  // b stops reading at its first update (its thread waits in the delivery, as a paused
  // node would), while a publishes far more than the stream keeps.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  Node a(redis.url(), 100);  // the stream keeps about kMinStreamLength entries
  Node b(redis.url(), 100, [&] {
    if (first.exchange(false)) released.wait();
  });
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  ASSERT_EQ(a.append(update("first", "urn:g")), "");
  for (int i = 0; i < 3000; ++i)
    a.history.append(update("g" + std::to_string(i), "urn:g"), {});
  ASSERT_EQ(a.append(update("last", "urn:g")), "");
  release.set_value();
  for (int i = 0; i < 500 && (b.ids().empty() || b.ids().back() != "last"); ++i)
    std::this_thread::sleep_for(10ms);
  // b delivered "first" (and maybe a few more read with it), then learned that entries
  // were let go of before it read them, then read on what the stream still held.
  const auto got = b.ids();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), "first");
  EXPECT_EQ(got.back(), "last");
  EXPECT_EQ(std::count(got.begin(), got.end(), "(lost)"), 1) << ::testing::PrintToString(got);
  std::vector<std::string> published{"first"};
  for (int i = 0; i < 3000; ++i)
    published.push_back("g" + std::to_string(i));
  published.push_back("last");
  auto at = published.begin();
  for (const std::string& id : got) {
    if (id == "(lost)") continue;
    at = std::find(at, published.end(), id);
    ASSERT_NE(at, published.end()) << id << " out of order or twice";
    ++at;
  }
  EXPECT_LT(got.size(), published.size() - 500) << "what Redis let go of never came";
  EXPECT_EQ(b.history.stats().gaps, 1u);
  EXPECT_EQ(b.history.resume_point("first").from, hub::ReplayFrom::unknown)
      << "a resume from before the loss is told of it";
  EXPECT_EQ(b.history.resume_point("last").from, hub::ReplayFrom::after_id);
  // (a may have fallen behind too: its 3000 appends, sent at once, outrun any reader of
  // a stream that keeps 1000.)
}

TEST(RedisHistory, TheStreamIsTrimmedToAboutTheHistorySize) {
  RedisServer redis;
  Node node(redis.url(), 100);  // the stream keeps at least kMinStreamLength
  ASSERT_TRUE(node.wait_available());
  for (int i = 0; i < 3000; ++i)
    node.history.append(update("t" + std::to_string(i), "urn:t"), {});
  ASSERT_EQ(node.append(update("t-last", "urn:t")), "");
  const long length = std::stol(redis.command({"XLEN", "herald:events"}));
  // MAXLEN ~ trims whole radix-tree nodes (100 entries by default): about the bound.
  EXPECT_GE(length, static_cast<long>(kMinStreamLength));
  EXPECT_LT(length, static_cast<long>(kMinStreamLength) + 200);
}

// How many times Redis ran a command since the test reset its statistics
// (INFO commandstats: "cmdstat_xread:calls=12,...").
long calls_of(const RedisServer& redis, const std::string& command) {
  const std::string stats = redis.command({"INFO", "commandstats"});
  const std::string key = "cmdstat_" + command + ":calls=";
  const auto at = stats.find(key);
  return at == std::string::npos ? 0 : std::stol(stats.substr(at + key.size()));
}

// Polls `done` for at most `timeout`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(RedisHistory, LogsInWithAPasswordOrAnAclUserAndSaysWhyNotWithoutTheRightOne) {
  RedisServer redis;
  redis.command({"ACL", "SETUSER", "herald", "on", ">user-pw", "~*", "&*", "+@all"});
  redis.command({"CONFIG", "SET", "requirepass", "s3cret"});  // the test's own calls end here
  const std::string at = "127.0.0.1:" + std::to_string(redis.port());
  Node by_password("redis://:s3cret@" + at), by_user("redis://herald:user-pw@" + at);
  ASSERT_TRUE(by_password.wait_available() && by_user.wait_available());
  ASSERT_EQ(by_password.append(update("a1", "urn:auth")), "");
  ASSERT_TRUE(by_user.wait_for(1));
  Node wrong("redis://:not-it@" + at), none("redis://" + at);
  auto reason_of = [](Node& node) { return node.history.availability().reason; };
  EXPECT_TRUE(eventually([&] {
    return reason_of(wrong).find("AUTH: WRONGPASS") != std::string::npos;
  })) << reason_of(wrong);
  EXPECT_EQ(reason_of(wrong).find("not-it"), std::string::npos) << "the password is never told";
  EXPECT_NE(reason_of(wrong).find("redis://:***@"), std::string::npos) << reason_of(wrong);
  EXPECT_TRUE(eventually([&] { return reason_of(none).find("NOAUTH") != std::string::npos; }))
      << reason_of(none);
  EXPECT_FALSE(wrong.history.availability().appends);
}

TEST(RedisHistory, ACaughtUpNodeReadsEachNewEntryWithOneCommand) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  redis.command({"CONFIG", "RESETSTAT"});
  constexpr std::size_t kEntries = 50;
  for (std::size_t i = 0; i < kEntries; ++i) {
    // One at a time, each read by both nodes before the next: one wake each.
    ASSERT_EQ(a.append(update("w" + std::to_string(i), "urn:w")), "");
    ASSERT_TRUE(a.wait_for(i + 1) && b.wait_for(i + 1));
  }
  EXPECT_EQ(a.ids(), b.ids());
  // A checked read (MULTI, XINFO, XREAD, EXEC) only for the first entries of a stream
  // that did not exist yet; then one blocking XREAD per entry per node.
  EXPECT_LE(calls_of(redis, "xinfo|stream"), 4);
  EXPECT_LE(calls_of(redis, "exec"), 4);
  EXPECT_GE(calls_of(redis, "xread"), static_cast<long>(2 * kEntries));
  EXPECT_LE(calls_of(redis, "xread"), static_cast<long>(2 * kEntries) + 8);
}

RedisOptions aging(const std::string& url, std::chrono::seconds max_age) {
  RedisOptions o = options_for(url, 10000);
  o.max_age = max_age;
  return o;
}

TEST(RedisHistory, TheAgeBoundLetsGoOfOldEntriesOnEveryNodeAndInTheStream) {
  RedisServer redis;
  Node a(aging(redis.url(), 1s)), b(aging(redis.url(), 1s));
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  for (const char* id : {"old1", "old2", "old3"})
    ASSERT_EQ(a.append(update(id, "urn:age")), "");
  ASSERT_TRUE(b.wait_for(3));
  auto stream_length = [&] { return std::stol(redis.command({"XLEN", "herald:events"})); };
  // The newest stays however old (a client resuming from it missed nothing).
  ASSERT_TRUE(eventually([&] {
    return a.history.size() == 1 && b.history.size() == 1 && stream_length() == 1;
  })) << "a holds "
      << a.history.size() << ", b " << b.history.size() << ", the stream " << stream_length();
  for (Node* node : {&a, &b}) {
    EXPECT_EQ(node->history.resume_point("old1").from, hub::ReplayFrom::unknown);
    EXPECT_EQ(node->history.resume_point("old3").from, hub::ReplayFrom::after_id);
  }
  ASSERT_EQ(a.append(update("new1", "urn:age")), "");
  ASSERT_TRUE(b.wait_for(4));
  EXPECT_EQ(b.history.resume_point("new1").from, hub::ReplayFrom::after_id);
  ASSERT_TRUE(eventually([&] {
    return b.history.resume_point("old3").from == hub::ReplayFrom::unknown && stream_length() == 1;
  })) << "old3 ages out once something newer is there";
  // A node started now reads only what the stream still holds.
  Node c(aging(redis.url(), 1s));
  ASSERT_TRUE(c.wait_available());
  EXPECT_EQ(c.ids(), std::vector<std::string>{"new1"});
  EXPECT_EQ(c.history.resume_point("new1").from, hub::ReplayFrom::after_id);
}

TEST(RedisHistory, ANodePausedLongerThanTheAgeBoundReportsTheLoss) {
  RedisServer redis;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  Node a(aging(redis.url(), 1s));
  Node b(aging(redis.url(), 1s), [&] {
    if (first.exchange(false)) released.wait();
  });
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  ASSERT_EQ(a.append(update("first", "urn:g")), "");
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(a.append(update("g" + std::to_string(i), "urn:g")), "");
  // a trims the stream by age while b waits in its first delivery (a paused node).
  ASSERT_TRUE(eventually([&] { return std::stol(redis.command({"XLEN", "herald:events"})) == 1; }));
  release.set_value();
  ASSERT_TRUE(b.wait_for(3));
  EXPECT_EQ(b.ids(), (std::vector<std::string>{"first", "(lost)", "g9"}));
  EXPECT_EQ(b.history.stats().gaps, 1u);
}

}  // namespace
}  // namespace herald::cluster

namespace herald::cluster {
namespace {

std::vector<std::string> lists_of(RedisHistory& history) {
  std::promise<std::optional<std::vector<std::string>>> read;
  history.read_subscriber_lists(
      [&](std::optional<std::vector<std::string>> values, std::string) { read.set_value(values); });
  auto values = read.get_future().get();
  if (!values) return {"(no answer)"};
  std::sort(values->begin(), values->end());
  return *values;
}

// Polls until `history` lists `expected` (sorted), or gives up after a few seconds.
bool eventually_lists(RedisHistory& history, const std::vector<std::string>& expected) {
  for (int i = 0; i < 300; ++i) {
    if (lists_of(history) == expected) return true;
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "lists: " << ::testing::PrintToString(lists_of(history));
  return false;
}

TEST(RedisSubscriberLists, EveryNodeReadsEveryNodesSubscribers) {
  RedisServer redis;
  Node a(redis.url()), b(redis.url());
  ASSERT_TRUE(a.wait_available() && b.wait_available());
  a.history.list_subscriber("s1", "on a");
  b.history.list_subscriber("s2", "on b");
  b.history.list_subscriber("s3", "also on b");
  EXPECT_TRUE(eventually_lists(a.history, {"also on b", "on a", "on b"}));
  EXPECT_TRUE(eventually_lists(b.history, {"also on b", "on a", "on b"}));
  b.history.unlist_subscriber("s2");
  EXPECT_TRUE(eventually_lists(a.history, {"also on b", "on a"}));
}

TEST(RedisSubscriberLists, ANodeThatStopsLeavesTheListing) {
  RedisServer redis;
  Node a(redis.url());
  ASSERT_TRUE(a.wait_available());
  a.history.list_subscriber("s1", "on a");
  {
    Node b(redis.url());
    ASSERT_TRUE(b.wait_available());
    b.history.list_subscriber("s2", "on b");
    EXPECT_TRUE(eventually_lists(a.history, {"on a", "on b"}));
  }
  EXPECT_TRUE(eventually_lists(a.history, {"on a"})) << "withdrawn when it stopped";
  // A node that dies cannot withdraw: its hash expires. Expired by hand here.
  Node c(redis.url());
  ASSERT_TRUE(c.wait_available());
  c.history.list_subscriber("s3", "on c");
  EXPECT_TRUE(eventually_lists(a.history, {"on a", "on c"}));
  const std::string ttl = redis.command({"PTTL", "herald:events:node:x"});
  EXPECT_EQ(ttl, "-2") << "no such key: node keys are named by a random id";
  EXPECT_EQ(
      redis.command({"EVAL",
                     "for _, k in ipairs(redis.call('KEYS', 'herald:events:node:*:alive')) do "
                     "local ttl = redis.call('PTTL', k) "
                     "if ttl <= 0 or ttl > 15000 then return 'bad ttl ' .. ttl end end "
                     "return 'ok'",
                     "0"}),
      "ok")
      << "a node's sign of life expires within node_expiry";
}

// What the nodes took over of departed nodes, and how often each was reinstated.
struct Departures {
  std::mutex mutex;
  std::vector<std::string> taken;
  int reinstated = 0;

  void watch(RedisHistory& history) {
    history.watch_departures(
        [this](std::vector<std::string> values) {
          std::lock_guard lock(mutex);
          taken.insert(taken.end(), values.begin(), values.end());
        },
        [this] {
          std::lock_guard lock(mutex);
          ++reinstated;
        });
  }
  std::vector<std::string> sorted_taken() {
    std::lock_guard lock(mutex);
    auto out = taken;
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST(RedisSubscriberLists, ALiveNodeTakesOverTheSubscribersOfASilentNodeOnce) {
  RedisServer redis;
  RedisOptions quick = options_for(redis.url(), 10000);
  // Short, but long enough that a node merely slowed by a loaded machine (sanitizers,
  // parallel tests) is not taken for departed: only c, held on purpose, may be.
  quick.node_expiry = 1500ms;
  Departures departures;  // a's and b's together: each departed node goes to one of them
  Node a(quick), b(quick);
  departures.watch(a.history);
  departures.watch(b.history);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> pause{false};
  Departures c_own;
  Node c(quick, [&] {
    if (pause.exchange(false)) released.wait();
  });
  c_own.watch(c.history);
  ASSERT_TRUE(a.wait_available() && b.wait_available() && c.wait_available());
  c.history.list_subscriber("s1", "c1");
  c.history.list_subscriber("s2", "c2");
  ASSERT_TRUE(eventually_lists(a.history, {"c1", "c2"}));
  // c's thread waits in a delivery, as a paused (SIGSTOP) or dead node's would: it stops
  // announcing itself.
  pause = true;
  ASSERT_EQ(a.append(update("pause-c", "urn:p")), "");
  ASSERT_TRUE(eventually([&] { return departures.sorted_taken().size() >= 2; }));
  EXPECT_EQ(departures.sorted_taken(), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_TRUE(eventually_lists(a.history, {})) << "a departed node is not listed";
  // c comes back: it finds it was taken over, lists its subscribers again and says so.
  release.set_value();
  EXPECT_TRUE(eventually_lists(b.history, {"c1", "c2"}));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(c_own.mutex);
    return c_own.reinstated == 1;
  }));
  std::this_thread::sleep_for(3 * quick.node_expiry);
  EXPECT_EQ(departures.sorted_taken(), (std::vector<std::string>{"c1", "c2"}))
      << "taken over once, and c lives again";
  EXPECT_TRUE(c_own.sorted_taken().empty());
}

TEST(RedisSubscriberLists, ANodeThatStopsLeavesItsSubscribersToAnother) {
  RedisServer redis;
  RedisOptions quick = options_for(redis.url(), 10000);
  quick.node_expiry = 600ms;
  Departures departures;
  Node a(quick);
  departures.watch(a.history);
  ASSERT_TRUE(a.wait_available());
  {
    Node b(quick);
    ASSERT_TRUE(b.wait_available());
    b.history.list_subscriber("s1", "b1");
    b.history.list_subscriber("s2", "b2");
    b.history.unlist_subscriber("s2");  // left while b ran: b publishes its events itself
    ASSERT_TRUE(eventually_lists(a.history, {"b1"}));
  }
  EXPECT_TRUE(eventually_lists(a.history, {})) << "gone from the listing at once";
  ASSERT_TRUE(eventually([&] { return !departures.sorted_taken().empty(); }, 5s));
  EXPECT_EQ(departures.sorted_taken(), std::vector<std::string>{"b1"});
}

TEST(RedisSubscriberLists, ANodeListsAgainWhatRedisLost) {
  RedisServer redis;
  Node a(redis.url());
  ASSERT_TRUE(a.wait_available());
  a.history.list_subscriber("s1", "on a");
  EXPECT_TRUE(eventually_lists(a.history, {"on a"}));
  EXPECT_EQ(redis.command({"FLUSHALL"}), "OK");  // as a Redis restarted without its data
  EXPECT_TRUE(eventually_lists(a.history, {}));
  redis.command({"CLIENT", "KILL", "TYPE", "normal"});  // the node reconnects
  EXPECT_TRUE(eventually_lists(a.history, {"on a"}));
}

}  // namespace
}  // namespace herald::cluster
