// Plan: the distribution every process derives alone; Options: validation, loopback rule,
// and the JSON a worker gets.
#include <gtest/gtest.h>

#include <vector>

#include <nlohmann/json.hpp>

#include "herald/loadgen/options.hpp"
#include "herald/loadgen/plan.hpp"
#include "herald/loadgen/target.hpp"

namespace herald::loadgen {
namespace {

TEST(LoadgenPlan, FanoutIsOneTopic) {
  Options o;
  o.scenario = Scenario::fanout;
  o.subscribers = 50000;
  o.events = 10;
  o.topic_prefix = "p-";
  Plan p(o);
  EXPECT_EQ(p.topics(), 1u);
  EXPECT_EQ(p.events_on(0), 10u);
  EXPECT_EQ(p.processes(), 3u);         // 19,000 a process at most
  EXPECT_EQ(p.source_addresses(), 3u);  // one per 20,000
  EXPECT_EQ(p.topic(0), "p-0");
  std::size_t covered = 0;
  for (std::size_t i = 0; i < p.processes(); ++i) {
    auto [a, b] = p.range_of_process(i);
    EXPECT_EQ(a, covered);
    EXPECT_LE(b - a, o.per_process);
    covered = b;
  }
  EXPECT_EQ(covered, 50000u);
}

TEST(LoadgenPlan, ManyTopicsRoundRobin) {
  Options o;
  o.scenario = Scenario::topics;
  o.subscribers = 4;
  o.events = 10;
  Plan p(o);
  EXPECT_EQ(p.topics(), 4u);
  std::uint64_t total = 0;
  for (std::size_t t = 0; t < 4; ++t)
    total += p.events_on(t);
  EXPECT_EQ(total, 10u);
  EXPECT_EQ(p.events_on(0), 3u);
  EXPECT_EQ(p.events_on(3), 2u);
  // Event i: topic i % 4, the topic's (i / 4 + 1)-th event.
  EXPECT_EQ(p.topic_of_event(9), 1u);
  EXPECT_EQ(p.seq_of_event(9), 3u);
  EXPECT_EQ(p.topic_of_subscriber(2), 2u);
}

TEST(LoadgenPlan, IdlePublishAndReconnect) {
  Options o;
  o.subscribers = 10;
  o.events = 100;
  o.scenario = Scenario::idle;
  EXPECT_EQ(Plan(o).events(), 0u);
  o.scenario = Scenario::publish;
  EXPECT_EQ(Plan(o).subscribers(), 0u);
  EXPECT_EQ(Plan(o).processes(), 0u);
  o.scenario = Scenario::reconnect;
  o.resume_behind = 30;
  EXPECT_EQ(Plan(o).resume_first_seq(), 71u);
}

TEST(LoadgenPlan, Http2StreamsOfAConnectionShareItsSourceAddress) {
  Options o;
  o.subscribers = 10;
  o.source_addresses = 2;
  EXPECT_EQ(Plan(o).subscribers_per_connection(), 1u);
  EXPECT_EQ(Plan(o).source_of_subscriber(3), 1u);  // HTTP/1.1: round-robin per subscriber
  o.http2 = true;
  o.streams_per_connection = 3;
  Plan p(o);
  EXPECT_EQ(p.subscribers_per_connection(), 3u);
  std::vector<std::size_t> sources;
  for (std::size_t s = 0; s < o.subscribers; ++s)
    sources.push_back(p.source_of_subscriber(s));
  // Connections of 3 consecutive subscribers, round-robin over the addresses.
  EXPECT_EQ(sources, (std::vector<std::size_t>{0, 0, 0, 1, 1, 1, 0, 0, 0, 1}));
}

TEST(LoadgenOptions, LoopbackOnly) {
  Options o;
  EXPECT_FALSE(validate(o));
  for (std::string url :
       {"http://10.0.0.1:80", "http://example.com:80", "https://10.0.0.1:1", "http://127.0.0.1",
        "http://127.0.0.1:0", "http://[::1]:80", "ftp://127.0.0.1:21"}) {
    o.url = url;
    EXPECT_TRUE(validate(o)) << url;
  }
  o.url = "http://localhost:8080/x";
  EXPECT_FALSE(validate(o));
  auto t = parse_target("http://127.0.0.5:9000", nullptr);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->address, (127u << 24) | 5u);
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(t->host_header, "127.0.0.5:9000");
  EXPECT_EQ(address_text(source_address(0)), "127.0.0.2");
}

TEST(LoadgenOptions, HttpsSubscribersPlainPublishers) {
  auto t = parse_target("https://localhost:8443/", nullptr);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->host, "localhost");  // what the certificate is checked against
  EXPECT_EQ(t->address, (127u << 24) | 1u);
  EXPECT_EQ(t->host_header, "localhost:8443");
  EXPECT_FALSE(parse_target("http://127.0.0.1:80", nullptr)->tls);

  Options o;
  o.url = "https://127.0.0.1:8443";
  // Publishers go where --url points unless told: plain HTTP only, so this is refused.
  EXPECT_EQ(publish_url(o), o.url);
  EXPECT_TRUE(validate(o));
  o.publish_url = "http://127.0.0.1:8080";
  EXPECT_EQ(publish_url(o), "http://127.0.0.1:8080");
  EXPECT_FALSE(validate(o));
  o.ca_file = "ca.pem";
  EXPECT_FALSE(validate(o));
  o.publish_url = "http://10.0.0.1:8080";
  EXPECT_TRUE(validate(o));  // loopback only, publishers too

  Options plain;
  plain.ca_file = "ca.pem";
  EXPECT_TRUE(validate(plain));  // --ca-file needs an https:// --url
}

TEST(LoadgenOptions, RejectsOutOfRange) {
  Options o;
  o.window = 0;
  EXPECT_TRUE(validate(o));
  o = Options{};
  o.per_process = 20000;
  EXPECT_TRUE(validate(o));
  o = Options{};
  o.scenario = Scenario::reconnect;
  o.events = 10;
  o.resume_behind = 10;
  EXPECT_TRUE(validate(o));
  o = Options{};
  o.publish_headers = {"no colon"};
  EXPECT_TRUE(validate(o));
  o = Options{};
  o.streams_per_connection = 0;
  EXPECT_TRUE(validate(o));
}

TEST(LoadgenOptions, JsonRoundTrip) {
  Options o;
  o.scenario = Scenario::reconnect;
  o.subscribers = 1234;
  o.rate = 12.5;
  o.publish_headers = {"Authorization: Bearer x"};
  o.server_pids = {1, 2};
  o.topic_prefix = "t-";
  o.http2 = true;
  o.streams_per_connection = 7;
  o.url = "https://127.0.0.1:8443";
  o.publish_url = "http://127.0.0.1:8080";
  o.ca_file = "ca.pem";
  nlohmann::json j = o;
  Options back = j.get<Options>();
  EXPECT_EQ(back.scenario, Scenario::reconnect);
  EXPECT_EQ(back.subscribers, 1234u);
  EXPECT_EQ(back.rate, 12.5);
  EXPECT_EQ(back.publish_headers, o.publish_headers);
  EXPECT_EQ(back.server_pids, o.server_pids);
  EXPECT_TRUE(back.http2);
  EXPECT_EQ(back.streams_per_connection, 7u);
  EXPECT_EQ(back.publish_url, o.publish_url);
  EXPECT_EQ(back.ca_file, o.ca_file);
  EXPECT_EQ(nlohmann::json(back), j);
}

}  // namespace
}  // namespace herald::loadgen
