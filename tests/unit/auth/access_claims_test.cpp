// parse_access_claims: the draft's "Authorization Details", "Topic Matcher List" and
// "Payloads". Any Mercure detail that fails refuses the whole token.
#include "herald/auth/access_claims.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace herald::auth {
namespace {

using nlohmann::json;

constexpr std::string_view kType = "https://mercure.rocks/authorization-detail";

constexpr std::string_view kHub = "https://hub.example.com/.well-known/mercure";

json detail(json actions, json topics) {
  return {{"type", kType}, {"actions", std::move(actions)}, {"topics", std::move(topics)}};
}

json with(json j, const char* key, json value) {
  j[key] = std::move(value);
  return j;
}

json valid_detail() {
  return detail({"subscribe"}, {{{"match", "https://example.com/a"}}});
}

Result<AccessClaims> parse(const json& details, const AccessLimits& limits = {}) {
  return parse_access_claims(json{{"authorization_details", details}}.dump(), limits, kHub);
}

// `bad` after a valid detail: the valid one must not survive on its own.
Error refusal_of(const json& bad) {
  auto result = parse(json::array({valid_detail(), bad}));
  EXPECT_FALSE(result) << "accepted: " << bad;
  if (result) return make_error(ErrorCode::invalid_key, "accepted");
  EXPECT_FALSE(result.error().message.empty());
  return result.error();
}

TEST(AccessClaims, TheDraftPayloadExample) {
  const json details = json::parse(R"([
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "https://example.com/foo"}],
     "payload": {"custom1": "data only available for this topic"}},
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "https://example.com/bar/:id", "match_type": "urlpattern"}],
     "payload": {"custom2": "data available for matching subscriptions"}},
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "*"}],
     "payload": {"custom3": "default data for all other subscriptions"}}
  ])");
  auto claims = parse(details);
  ASSERT_TRUE(claims) << claims.error().message;
  const AccessGrants& g = claims->grants;
  EXPECT_TRUE(g.publish.empty());
  ASSERT_EQ(g.subscribe.size(), 3u);
  EXPECT_EQ(g.subscribe[0], (TopicMatcher{MatcherType::exact, "https://example.com/foo"}));
  EXPECT_EQ(g.subscribe[1], (TopicMatcher{MatcherType::urlpattern, "https://example.com/bar/:id"}));
  EXPECT_TRUE(g.subscribe[2].is_wildcard());
  EXPECT_EQ(g.subscribe[2].type, MatcherType::exact);  // match_type absent: exact
  ASSERT_EQ(g.subscribe_details.size(), 3u);
  EXPECT_EQ(g.subscribe_details[0].payload, R"({"custom1":"data only available for this topic"})");
  EXPECT_EQ(g.subscribe_details[1].topics, std::vector<TopicMatcher>{g.subscribe[1]});
  EXPECT_EQ(g.subscribe_details[2].payload,
            R"({"custom3":"default data for all other subscriptions"})");
}

TEST(AccessClaims, ActionsSpreadTheTopicsOverTheirLists) {
  auto claims = parse(json::array(
      {detail({"publish", "subscribe"}, {{{"match", "https://example.com/both"}}}),
       detail({"publish"}, {{{"match", "https://example.com/pub"}, {"match_type", "exact"}}})}));
  ASSERT_TRUE(claims) << claims.error().message;
  ASSERT_EQ(claims->grants.publish.size(), 2u);
  EXPECT_EQ(claims->grants.publish[1].text, "https://example.com/pub");
  ASSERT_EQ(claims->grants.subscribe.size(), 1u);
  ASSERT_EQ(claims->grants.subscribe_details.size(), 1u);
  EXPECT_FALSE(claims->grants.subscribe_details[0].payload);
}

TEST(AccessClaims, UnknownActionsAreIgnored) {
  auto claims = parse(
      json::array({detail({"read", "subscribe", "Publish"}, {{{"match", "https://example.com/a"}}}),
                   detail({"audit"}, {{{"match", "*"}}})}));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_TRUE(claims->grants.publish.empty());  // "Publish" is not "publish"
  ASSERT_EQ(claims->grants.subscribe.size(), 1u);
  EXPECT_EQ(claims->grants.subscribe[0].text, "https://example.com/a");
}

TEST(AccessClaims, DetailsOfOtherTypesAreIgnored) {
  auto claims = parse(
      json::array({{{"type", "payment_initiation"}, {"actions", 5}},
                   with(detail({"publish"}, {{{"match", "*"}}}), "type", std::string(kType) + "/"),
                   valid_detail()}));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_TRUE(claims->grants.publish.empty());
  EXPECT_EQ(claims->grants.subscribe.size(), 1u);
}

TEST(AccessClaims, NoDetailsGrantNothing) {
  for (const char* text : {R"({})", R"({"authorization_details":[]})"}) {
    auto claims = parse_access_claims(text);
    ASSERT_TRUE(claims) << text;
    EXPECT_TRUE(claims->grants.publish.empty() && claims->grants.subscribe.empty());
  }
}

struct Bad {
  const char* name;
  json detail;
  const char* message;
};

TEST(AccessClaims, APartlyInvalidDetailRefusesTheWholeToken) {
  const std::string prefix = "authorization_details: ";
  const Bad cases[] = {
      {"unknown match_type",
       detail({"subscribe"}, {{{"match", "https://example.com/b"}, {"match_type", "regex"}}}),
       "unsupported match_type (this hub supports exact and urlpattern)"},
      {"match_type is case-sensitive",
       detail({"subscribe"}, {{{"match", "https://example.com/b"}, {"match_type", "URLPattern"}}}),
       "unsupported match_type (this hub supports exact and urlpattern)"},
      {"match_type not a string",
       detail({"subscribe"}, {{{"match", "https://example.com/b"}, {"match_type", 1}}}),
       "a match_type is not a string"},
      {"non-string match", detail({"subscribe"}, {{{"match", 42}}}),
       "a topic matcher has no \"match\" string"},
      {"no match", detail({"subscribe"}, {{{"match_type", "exact"}}}),
       "a topic matcher has no \"match\" string"},
      {"empty match", detail({"subscribe"}, {{{"match", ""}}}), "a topic matcher is empty"},
      {"matcher not an object", detail({"subscribe"}, {"https://example.com/b"}),
       "a topic matcher is not an object"},
      {"missing topics",
       {{"type", kType}, {"actions", {"subscribe"}}},
       "a Mercure detail needs \"topics\", a non-empty array"},
      {"empty topics", detail({"subscribe"}, json::array()),
       "a Mercure detail needs \"topics\", a non-empty array"},
      {"topics an object", detail({"subscribe"}, {{"match", "https://example.com/b"}}),
       "a Mercure detail needs \"topics\", a non-empty array"},
      {"missing actions",
       {{"type", kType}, {"topics", {{{"match", "*"}}}}},
       "a Mercure detail needs \"actions\", a non-empty array"},
      {"empty actions", detail(json::array(), {{{"match", "*"}}}),
       "a Mercure detail needs \"actions\", a non-empty array"},
      {"actions a string", detail("subscribe", {{{"match", "*"}}}),
       "a Mercure detail needs \"actions\", a non-empty array"},
      {"non-string action", detail({"subscribe", 1}, {{{"match", "*"}}}),
       "an action is not a string"},
      {"type a number",
       {{"type", 42}, {"actions", {"subscribe"}}, {"topics", {{{"match", "*"}}}}},
       "an entry has no \"type\" string"},
      {"no type",
       {{"actions", {"subscribe"}}, {"topics", {{{"match", "*"}}}}},
       "an entry has no \"type\" string"},
      {"entry not an object", "https://mercure.rocks/authorization-detail",
       "an entry is not an object"},
      {"payload an array", with(detail({"subscribe"}, {{{"match", "*"}}}), "payload", {1}),
       "a payload is not a JSON object"},
      {"payload a string", with(detail({"subscribe"}, {{{"match", "*"}}}), "payload", "x"),
       "a payload is not a JSON object"},
      {"invalid URL pattern",
       detail({"subscribe"},
              {{{"match", "https://example.com/(unclosed"}, {"match_type", "urlpattern"}}}),
       nullptr},
      {"C0 control", detail({"subscribe"}, {{{"match", "https://example.com/\x07"}}}),
       "a topic matcher holds control or invisible format characters"},
      {"DEL", detail({"subscribe"}, {{{"match", "https://example.com/\x7f"}}}),
       "a topic matcher holds control or invisible format characters"},
      {"C1 control (U+0085)", detail({"subscribe"}, {{{"match", "https://example.com/\xc2\x85"}}}),
       "a topic matcher holds control or invisible format characters"},
      {"zero-width space (Cf)",
       detail({"subscribe"}, {{{"match",
                                "https://example.com/\xe2\x80\x8b"
                                "a"}}}),
       "a topic matcher holds control or invisible format characters"},
      {"right-to-left override (Cf)",
       detail({"subscribe"}, {{{"match", "https://example.com/\xe2\x80\xae"}}}),
       "a topic matcher holds control or invisible format characters"},
      {"language tag (Cf, plane 14)",
       detail({"subscribe"}, {{{"match", "https://example.com/\xf3\xa0\x80\x81"}}}),
       "a topic matcher holds control or invisible format characters"},
  };
  for (const Bad& c : cases) {
    const Error e = refusal_of(c.detail);
    EXPECT_EQ(e.code, ErrorCode::invalid_claims) << c.name;
    if (c.message != nullptr) {
      EXPECT_EQ(e.message, prefix + c.message) << c.name;
    }
  }
  auto not_array = parse_access_claims(R"({"authorization_details":{"type":"x"}})");
  ASSERT_FALSE(not_array);
  EXPECT_EQ(not_array.error().message, "authorization_details: not an array");
}

TEST(AccessClaims, VisibleUnicodeIsFine) {
  auto claims =
      parse(json::array({detail({"subscribe"}, {{{"match", "https://example.com/café/€/😀"}}})}));
  EXPECT_TRUE(claims) << claims.error().message;
}

TEST(AccessClaims, RelativeUrlPatternsNeedTheHubUrl) {
  auto text_of = [](const char* pattern) {
    return json{{"authorization_details",
                 {detail({"subscribe"}, {{{"match", pattern}, {"match_type", "urlpattern"}}})}}}
        .dump();
  };
  const std::string relative = text_of("/books/:id");
  auto without_base = parse_access_claims(relative);
  ASSERT_FALSE(without_base);
  EXPECT_EQ(
      without_base.error().message.rfind("authorization_details: a URL pattern is invalid: ", 0),
      0u)
      << without_base.error().message;
  EXPECT_TRUE(parse_access_claims(relative, {}, kHub));
  // An absolute pattern needs no base.
  EXPECT_TRUE(parse_access_claims(text_of("https://example.com/books/:id")));
  // The wildcard is not a pattern, whatever its match_type says: nothing to compile.
  EXPECT_TRUE(parse_access_claims(text_of("*")));
}

TEST(AccessClaims, ToClaimsReadsBothActionsAsSelectorSets) {
  auto access = parse(
      json::array({detail({"publish"}, {{{"match", "https://example.com/books/1"}},
                                        {{"match", "/books/:id"}, {"match_type", "urlpattern"}}}),
                   detail({"subscribe"}, {{{"match", "https://example.com/{braces}"}}})}));
  ASSERT_TRUE(access) << access.error().message;
  access->issuer = "https://auth.example.com";
  access->subject = "alice";
  const Claims claims = to_claims(*access);
  EXPECT_EQ(claims.generation, TokenGeneration::mercure_1);
  EXPECT_EQ(claims.issuer, "https://auth.example.com");
  EXPECT_EQ(claims.subject, "alice");
  EXPECT_TRUE(claims.has_publish);
  EXPECT_TRUE(claims.publish.matches("https://example.com/books/1"));
  // The relative URL pattern matches topics relative to the hub's URL, and absolute ones
  // on the hub's host; not those of another host.
  EXPECT_TRUE(claims.publish.matches("/books/7"));
  EXPECT_TRUE(claims.publish.matches("https://hub.example.com/books/7"));
  EXPECT_FALSE(claims.publish.matches("https://example.com/books/7"));
  EXPECT_FALSE(claims.publish.matches("/users/7"));
  // An exact matcher is exact, braces included: not a URI template as in 0.x.
  EXPECT_TRUE(claims.subscribe.matches("https://example.com/{braces}"));
  EXPECT_FALSE(claims.subscribe.matches("https://example.com/x"));
  EXPECT_FALSE(claims.subscribe.matches("https://example.com/books/1"));
  // Grants of one action do not leak into the other.
  EXPECT_FALSE(claims.publish.matches("https://example.com/{braces}"));
}

TEST(AccessClaims, ToClaimsWildcardMatchesEverythingWhateverItsType) {
  for (const json& matcher : {json{{"match", "*"}}, json{{"match", "*"}, {"match_type", "exact"}},
                              json{{"match", "*"}, {"match_type", "urlpattern"}}}) {
    auto access = parse(json::array({detail({"publish"}, {matcher})}));
    ASSERT_TRUE(access) << matcher;
    const Claims claims = to_claims(*access);
    for (const char* topic : {"urn:x", "https://example.com/a", "/relative", "not a url"}) {
      EXPECT_TRUE(claims.publish.matches(topic)) << matcher << " " << topic;
    }
    EXPECT_FALSE(claims.subscribe.matches("urn:x")) << "publish grants no subscribe";
    EXPECT_FALSE(claims.has_subscribe);
  }
}

TEST(AccessClaims, ToClaimsKeepsTheSubscribeDetailsInTokenOrder) {
  const json details = json::parse(R"([
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "https://example.com/foo"}], "payload": {"n": 1}},
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["publish"],
     "topics": [{"match": "https://example.com/pub"}], "payload": {"ignored": true}},
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "https://example.com/bar/:id", "match_type": "urlpattern"}]},
    {"type": "https://mercure.rocks/authorization-detail", "actions": ["subscribe"],
     "topics": [{"match": "*"}], "payload": {"n": 3}}
  ])");
  auto access = parse(details);
  ASSERT_TRUE(access) << access.error().message;
  access->expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  const Claims claims = to_claims(*access);
  ASSERT_EQ(claims.subscribe_details.size(), 3u);
  EXPECT_EQ(claims.subscribe_details[0].payload, R"({"n":1})");
  EXPECT_TRUE(claims.subscribe_details[0].topics.matches("https://example.com/foo"));
  EXPECT_FALSE(claims.subscribe_details[0].topics.matches("https://example.com/bar/1"));
  EXPECT_FALSE(claims.subscribe_details[1].payload);
  EXPECT_TRUE(claims.subscribe_details[1].topics.matches("https://example.com/bar/1"));
  EXPECT_EQ(claims.subscribe_details[2].payload, R"({"n":3})");
  EXPECT_TRUE(claims.subscribe_details[2].topics.matches("urn:anything"));
  EXPECT_EQ(claims.expires_at, access->expires_at);
  // 1.0 payloads live in the details; the 0.x `mercure.payload` stays empty.
  EXPECT_TRUE(claims.payload.empty());
}

TEST(AccessClaims, Limits) {
  AccessLimits limits;
  limits.max_details = 2;
  limits.max_actions = 2;
  limits.max_topics = 2;
  limits.max_total_topics = 3;
  limits.max_match_bytes = 24;
  limits.max_payload_bytes = 16;
  auto too_large = [&](const json& details, std::string_view message) {
    auto result = parse(details, limits);
    ASSERT_FALSE(result) << details;
    EXPECT_EQ(result.error().code, ErrorCode::too_large);
    EXPECT_EQ(result.error().message, message);
  };
  const json one = detail({"subscribe"}, {{{"match", "https://example.com/a"}}});
  const json two =
      detail({"subscribe"}, {{{"match", "https://a.example"}}, {{"match", "https://b.example"}}});
  EXPECT_TRUE(parse(json::array({one, two}), limits));
  too_large(json::array({one, one, one}), "authorization_details: more than 2 details");
  too_large(json::array({detail({"subscribe", "a", "b"}, {{{"match", "*"}}})}),
            "authorization_details: more than 2 actions in a detail");
  too_large(
      json::array({detail({"subscribe"}, {{{"match", "a"}}, {{"match", "b"}}, {{"match", "c"}}})}),
      "authorization_details: more than 2 topics in a detail");
  too_large(json::array({two, two}), "authorization_details: more than 3 topic matchers in all");
  too_large(json::array({detail({"subscribe"}, {{{"match", "https://example.com/abcdefghij"}}})}),
            "authorization_details: a topic matcher is longer than 24 bytes");
  too_large(json::array({with(one, "payload", {{"k", "0123456789"}})}),
            "authorization_details: a payload is larger than 16 bytes");
  // The count of details includes other types: they cost parsing too.
  too_large(json::array({{{"type", "x"}}, {{"type", "y"}}, one}),
            "authorization_details: more than 2 details");
}

TEST(AccessClaims, RegisteredClaimsHaveTheirTypes) {
  for (const char* text : {R"({"iss":1})", R"({"sub":["a"]})", R"({"client_id":{}})",
                           R"({"jti":2})", R"({"exp":"soon"})", R"({"nbf":true})", R"({"iat":"x"})",
                           R"({"aud":5})", R"({"aud":["a",null]})"}) {
    auto claims = parse_access_claims(text);
    ASSERT_FALSE(claims) << text;
    EXPECT_EQ(claims.error().code, ErrorCode::invalid_claims) << text;
  }
  EXPECT_EQ(parse_access_claims("[]").error().code, ErrorCode::malformed);
  EXPECT_EQ(parse_access_claims("{").error().code, ErrorCode::malformed);
}

TEST(AccessClaims, RefusesTheLegacyClaim) {
  auto claims = parse_access_claims(R"({"mercure":{"publish":["*"]}})");
  ASSERT_FALSE(claims);
  EXPECT_EQ(claims.error().code, ErrorCode::wrong_generation);
}

TEST(AccessClaims, MatcherTypeNames) {
  EXPECT_EQ(matcher_type_name(MatcherType::exact), "exact");
  EXPECT_EQ(matcher_type_name(MatcherType::urlpattern), "urlpattern");
}

}  // namespace
}  // namespace herald::auth
