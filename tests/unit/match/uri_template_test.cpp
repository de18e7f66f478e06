// RFC 6570 parsing and matching: every expansion example of RFC 6570 section 3.2 must match
// its template, near misses must not, malformed templates must be refused with a reason,
// and hostile inputs must finish quickly.
#include "herald/match/uri_template.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace herald::match {
namespace {

UriTemplate must_parse(std::string_view text) {
  std::string error;
  auto t = UriTemplate::parse(text, &error);
  EXPECT_TRUE(t.has_value()) << text << ": " << error;
  if (!t) return *UriTemplate::parse("", nullptr);
  return std::move(*t);
}

bool match(std::string_view tmpl, std::string_view uri) {
  return must_parse(tmpl).matches(uri);
}

struct Case {
  const char* tmpl;
  const char* uri;
};

// RFC 6570 section 3.2 with the variables of section 3.2:
//   count := ("one", "two", "three"); dom := ("example", "com"); dub := "me/too";
//   hello := "Hello World!"; half := "50%"; var := "value"; who := "fred";
//   base := "http://example.com/home/"; path := "/foo/bar"; list := ("red", "green", "blue");
//   keys := [("semi",";"),("dot","."),("comma",",")]; v := "6"; x := "1024"; y := "768";
//   empty := ""; empty_keys := []; undef := null
const Case kRfcExpansions[] = {
    // 3.2.1 variable expansion
    {"{count}", "one,two,three"},
    {"{count*}", "one,two,three"},
    {"{/count}", "/one,two,three"},
    {"{/count*}", "/one/two/three"},
    {"{;count}", ";count=one,two,three"},
    {"{;count*}", ";count=one;count=two;count=three"},
    {"{?count}", "?count=one,two,three"},
    {"{?count*}", "?count=one&count=two&count=three"},
    {"{&count*}", "&count=one&count=two&count=three"},
    // 3.2.2 simple string expansion
    {"{var}", "value"},
    {"{hello}", "Hello%20World%21"},
    {"{half}", "50%25"},
    {"O{empty}X", "OX"},
    {"O{undef}X", "OX"},
    {"{x,y}", "1024,768"},
    {"{x,hello,y}", "1024,Hello%20World%21,768"},
    {"?{x,empty}", "?1024,"},
    {"?{x,undef}", "?1024"},
    {"?{undef,y}", "?768"},
    {"{var:3}", "val"},
    {"{var:30}", "value"},
    {"{list}", "red,green,blue"},
    {"{list*}", "red,green,blue"},
    {"{keys}", "semi,%3B,dot,.,comma,%2C"},
    {"{keys*}", "semi=%3B,dot=.,comma=%2C"},
    // 3.2.3 reserved expansion
    {"{+var}", "value"},
    {"{+hello}", "Hello%20World!"},
    {"{+half}", "50%25"},
    {"{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"},
    {"{+base}index", "http://example.com/home/index"},
    {"O{+empty}X", "OX"},
    {"O{+undef}X", "OX"},
    {"{+path}/here", "/foo/bar/here"},
    {"here?ref={+path}", "here?ref=/foo/bar"},
    {"up{+path}{var}/here", "up/foo/barvalue/here"},
    {"{+x,hello,y}", "1024,Hello%20World!,768"},
    {"{+path,x}/here", "/foo/bar,1024/here"},
    {"{+path:6}/here", "/foo/b/here"},
    {"{+list}", "red,green,blue"},
    {"{+list*}", "red,green,blue"},
    {"{+keys}", "semi,;,dot,.,comma,,"},
    {"{+keys*}", "semi=;,dot=.,comma=,"},
    // 3.2.4 fragment expansion
    {"{#var}", "#value"},
    {"{#hello}", "#Hello%20World!"},
    {"{#half}", "#50%25"},
    {"foo{#empty}", "foo#"},
    {"foo{#undef}", "foo"},
    {"{#x,hello,y}", "#1024,Hello%20World!,768"},
    {"{#path,x}/here", "#/foo/bar,1024/here"},
    {"{#path:6}/here", "#/foo/b/here"},
    {"{#list}", "#red,green,blue"},
    {"{#list*}", "#red,green,blue"},
    {"{#keys}", "#semi,;,dot,.,comma,,"},
    {"{#keys*}", "#semi=;,dot=.,comma=,"},
    // 3.2.5 label expansion with dot-prefix
    {"{.who}", ".fred"},
    {"{.who,who}", ".fred.fred"},
    {"{.half,who}", ".50%25.fred"},
    {"www{.dom*}", "www.example.com"},
    {"X{.var}", "X.value"},
    {"X{.empty}", "X."},
    {"X{.undef}", "X"},
    {"X{.var:3}", "X.val"},
    {"X{.list}", "X.red,green,blue"},
    {"X{.list*}", "X.red.green.blue"},
    {"X{.keys}", "X.semi,%3B,dot,.,comma,%2C"},
    {"X{.keys*}", "X.semi=%3B.dot=..comma=%2C"},
    {"X{.empty_keys}", "X"},
    {"X{.empty_keys*}", "X"},
    // 3.2.6 path segment expansion
    {"{/who}", "/fred"},
    {"{/who,who}", "/fred/fred"},
    {"{/half,who}", "/50%25/fred"},
    {"{/who,dub}", "/fred/me%2Ftoo"},
    {"{/var}", "/value"},
    {"{/var,empty}", "/value/"},
    {"{/var,undef}", "/value"},
    {"{/var,x}/here", "/value/1024/here"},
    {"{/var:1,var}", "/v/value"},
    {"{/list}", "/red,green,blue"},
    {"{/list*}", "/red/green/blue"},
    {"{/list*,path:4}", "/red/green/blue/%2Ffoo"},
    {"{/keys}", "/semi,%3B,dot,.,comma,%2C"},
    {"{/keys*}", "/semi=%3B/dot=./comma=%2C"},
    // 3.2.7 path-style parameter expansion
    {"{;who}", ";who=fred"},
    {"{;half}", ";half=50%25"},
    {"{;empty}", ";empty"},
    {"{;v,empty,who}", ";v=6;empty;who=fred"},
    {"{;v,bar,who}", ";v=6;who=fred"},
    {"{;x,y}", ";x=1024;y=768"},
    {"{;x,y,empty}", ";x=1024;y=768;empty"},
    {"{;x,y,undef}", ";x=1024;y=768"},
    {"{;hello:5}", ";hello=Hello"},
    {"{;list}", ";list=red,green,blue"},
    {"{;list*}", ";list=red;list=green;list=blue"},
    {"{;keys}", ";keys=semi,%3B,dot,.,comma,%2C"},
    {"{;keys*}", ";semi=%3B;dot=.;comma=%2C"},
    // 3.2.8 form-style query expansion
    {"{?who}", "?who=fred"},
    {"{?half}", "?half=50%25"},
    {"{?x,y}", "?x=1024&y=768"},
    {"{?x,y,empty}", "?x=1024&y=768&empty="},
    {"{?x,y,undef}", "?x=1024&y=768"},
    {"{?var:3}", "?var=val"},
    {"{?list}", "?list=red,green,blue"},
    {"{?list*}", "?list=red&list=green&list=blue"},
    {"{?keys}", "?keys=semi,%3B,dot,.,comma,%2C"},
    {"{?keys*}", "?semi=%3B&dot=.&comma=%2C"},
    // 3.2.9 form-style query continuation
    {"{&who}", "&who=fred"},
    {"{&half}", "&half=50%25"},
    {"?fixed=yes{&x}", "?fixed=yes&x=1024"},
    {"{&x,y,empty}", "&x=1024&y=768&empty="},
    {"{&var:3}", "&var=val"},
    {"{&list}", "&list=red,green,blue"},
    {"{&list*}", "&list=red&list=green&list=blue"},
    {"{&keys}", "&keys=semi,%3B,dot,.,comma,%2C"},
    {"{&keys*}", "&semi=%3B&dot=.&comma=%2C"},
};

TEST(UriTemplateMatch, EveryRfc6570ExpansionMatchesItsTemplate) {
  for (const Case& c : kRfcExpansions) {
    EXPECT_TRUE(match(c.tmpl, c.uri)) << c.tmpl << " should match " << c.uri;
  }
}

// Strings that no assignment of the template's variables can produce.
const Case kNearMisses[] = {
    {"https://example.com/books/{id}", "https://example.com/books/1/reviews"},
    {"https://example.com/books/{id}", "https://example.com/book/1"},
    {"https://example.com/books/{id}", "http://example.com/books/1"},
    {"https://example.com/books/{id}", "https://example.com/books/1?x"},
    {"https://Example.com/{id}", "https://example.com/1"},  // literals are case-sensitive
    {"{var}", "a/b"},       // '/' is reserved: a simple value holds it as %2F
    {"{var}", "a?b"},       // likewise '?'
    {"{var}", "a=b"},       // and '='
    {"{var}", "a%2"},       // truncated pct-encoding
    {"{var}", "a%zz"},      // not hex
    {"{var}", "a b"},       // a space is always encoded
    {"{var}", "\xc3\xa9"},  // raw non-ASCII: expansion pct-encodes it
    {"{+var}", "a b"},      // even in reserved expansion
    {"{+var}", "a%"},       // a lone '%' is encoded too
    {"{#var}", "value"},    // the fragment operator writes '#'
    {"{/var}", "value"},    // the path operator writes '/'
    {"{.var}", "value"},    // the label operator writes '.'
    {"{var:3}", "valu"},    // prefix: at most 3 characters
    {"{+path:6}/here", "/foo/ba/here"},
    {"{?x}", "?y=1"},        // the name is written as-is
    {"{?x}", "?x"},          // `?` always writes '='
    {"{?x}", "x=1"},         // and its '?'
    {"{?x,y}", "?y=1&x=2"},  // variables keep their order
    {"{?x,y}", "?x=1?y=2"},  // the separator after the first is '&'
    {"{;x}", ";y=1"},
    {"{&x}", "?x=1"},
    {"{?x*}", "?a=1&b"},              // exploded query members always have '='
    {"{?x*}", "?a=1=2"},              // and only one
    {"{/list*}", "/red,green/blue"},  // exploded path members join with '/'; ',' is encoded
    {"a{x}b", "a"},
    {"a{x}b", "b"},
    {"%2F{x}", "/abc"},  // literals are compared as written, not decoded
    {"{x}{y}", "a/b"},
};

TEST(UriTemplateMatch, NearMissesDoNotMatch) {
  for (const Case& c : kNearMisses) {
    EXPECT_FALSE(match(c.tmpl, c.uri)) << c.tmpl << " should not match " << c.uri;
  }
}

TEST(UriTemplateMatch, MercureSpecExample) {
  const UriTemplate t = must_parse("https://example.com/books/{id}");
  EXPECT_TRUE(t.matches("https://example.com/books/1"));
  EXPECT_TRUE(t.matches("https://example.com/books/the-hobbit_1937.~v2"));
  EXPECT_TRUE(t.matches("https://example.com/books/caf%C3%A9"));
  EXPECT_TRUE(t.matches("https://example.com/books/"));  // id defined and empty, or undefined
  EXPECT_FALSE(t.matches("https://example.com/books/1/reviews"));
  EXPECT_FALSE(t.matches("https://example.com/books"));
  EXPECT_FALSE(t.matches(""));
}

TEST(UriTemplateMatch, SimpleExpressions) {
  EXPECT_TRUE(match("a{x}b", "ab"));
  EXPECT_TRUE(match("a{x}b", "axyzb"));
  EXPECT_TRUE(match("{x}{y}", ""));
  EXPECT_TRUE(match("{x}{y}", "abc"));
  EXPECT_TRUE(match("{x,y}", "1,2,3"));  // a list value joins with ','
  EXPECT_TRUE(match("/users/{user}/posts/{post}", "/users/42/posts/7"));
  EXPECT_FALSE(match("/users/{user}/posts/{post}", "/users/42/comments/7"));
}

// After a value run the literal that follows may start at many positions at once, and its
// occurrences may overlap.
TEST(UriTemplateMatch, LiteralsAfterManyStartPositions) {
  EXPECT_TRUE(match("{x}aa", "aaaaaaa"));
  EXPECT_TRUE(match("{x}aab", "aaaaaaaab"));
  EXPECT_TRUE(match("{x}abab{y}", "xxxxxxabababc"));
  EXPECT_TRUE(match("{x}abab{y}", "xxxxxxababab"));
  EXPECT_FALSE(match("{x}abab{y}", "xxxxxxabaxbab"));
  EXPECT_TRUE(match("{x}aabaaab{y}", "aaaaaaaaabaaabaaab"));
}

TEST(UriTemplateMatch, ReservedAndFragmentKeepReservedCharacters) {
  EXPECT_TRUE(match("https://example.com{+path}", "https://example.com/a/b?c=d&e=f#g"));
  EXPECT_TRUE(match("{+x}", ":/?#[]@!$&'()*+,;="));
  EXPECT_TRUE(match("https://example.com/doc{#section}", "https://example.com/doc#a/b"));
  EXPECT_TRUE(match("https://example.com/doc{#section}", "https://example.com/doc"));
  EXPECT_FALSE(match("{x}", "a#b"));
}

TEST(UriTemplateMatch, LabelPathAndParameterOperators) {
  EXPECT_TRUE(match("X{.x}", "X."));
  EXPECT_TRUE(match("X{.x,y}", "X.a.b"));
  EXPECT_TRUE(match("{/x,y}", "/a/b"));
  EXPECT_FALSE(match("{/x,y}", "/a/b/c"));  // two non-exploded variables: two segments
  EXPECT_TRUE(match("{/x*}", "/a/b/c"));    // exploded: any number of segments
  EXPECT_TRUE(match("/books{/id}{?page}", "/books/1?page=2"));
  EXPECT_TRUE(match("/books{/id}{?page}", "/books?page=2"));
  EXPECT_TRUE(match("/books{/id}{?page}", "/books"));
  EXPECT_TRUE(match("{;x}", ";x"));
  EXPECT_TRUE(match("{;x}", ";x="));
  EXPECT_TRUE(match("{;x,xy}", ";xy"));
  EXPECT_FALSE(match("{;x}", ";"));
}

TEST(UriTemplateMatch, QueryOperators) {
  EXPECT_TRUE(match("/search{?q,lang}", "/search?q=cat&lang=fr"));
  EXPECT_TRUE(match("/search{?q,lang}", "/search?lang=fr"));
  EXPECT_TRUE(match("/search{?q,lang}", "/search?q="));
  EXPECT_FALSE(match("/search{?q,lang}", "/search?lang=fr&q=cat"));
  EXPECT_TRUE(match("/search{?q}{&lang}", "/search?q=cat&lang=fr"));
  EXPECT_TRUE(match("/search?fixed=1{&lang}", "/search?fixed=1"));
  EXPECT_TRUE(match("{?q*}", "?a=1&b=2&c="));
  EXPECT_TRUE(match("{?q*}", "?=1"));
}

TEST(UriTemplateMatch, ExplodeModifier) {
  EXPECT_TRUE(match("{x*}", "a,b,c"));
  EXPECT_TRUE(match("{x*}", "a=1,b=2"));  // an exploded associative array
  EXPECT_FALSE(match("{x}", "a=1"));      // not exploded: '=' would be encoded
  EXPECT_TRUE(match("{;x*}", ";a=1;b;c=3"));
  EXPECT_FALSE(match("{;x*}", ";a=1=2"));
  EXPECT_TRUE(match("{&x*}", "&a=1&b=2"));
  EXPECT_TRUE(match("{.x*}", ".a.b"));
  EXPECT_TRUE(match("{+x*}", "/a,/b"));
}

TEST(UriTemplateMatch, PrefixModifierCountsCharactersNotBytes) {
  EXPECT_TRUE(match("{x:3}", ""));
  EXPECT_TRUE(match("{x:3}", "abc"));
  EXPECT_FALSE(match("{x:3}", "abcd"));
  EXPECT_FALSE(match("{x:3}", "a,b"));  // a prefix applies to strings only
  EXPECT_TRUE(match("{x:3}", "%20%20%20"));
  EXPECT_FALSE(match("{x:3}", "%20%20%20%20"));
  // "été" is 3 characters: %C3%A9 t %C3%A9.
  EXPECT_TRUE(match("{x:3}", "%C3%A9t%C3%A9"));
  EXPECT_FALSE(match("{x:3}", "%C3%A9t%C3%A9s"));
  EXPECT_TRUE(match("{x:1}/{x}", "c/cat"));
  EXPECT_TRUE(match("{x:9999}", std::string(9999, 'a')));
  EXPECT_FALSE(match("{x:9999}", std::string(10000, 'a')));
}

TEST(UriTemplateMatch, PercentEncodedValuesAndLiterals) {
  EXPECT_TRUE(match("{x}", "%2F%3f"));  // either case of hex digits
  EXPECT_TRUE(match("%2F{x}", "%2Fabc"));
  EXPECT_TRUE(match("{a%20b}", "x"));  // pct-encoded variable names are fine
  EXPECT_TRUE(match("https://example.com/livres/\xc3\xa9t\xc3\xa9/{id}",
                    "https://example.com/livres/\xc3\xa9t\xc3\xa9/1"));
}

TEST(UriTemplateMatch, TemplateWithoutExpressionsMatchesOnlyItself) {
  const UriTemplate t = must_parse("https://example.com/a+b?c=d&e=f#g");
  EXPECT_EQ(t.expression_count(), 0u);
  EXPECT_TRUE(t.matches("https://example.com/a+b?c=d&e=f#g"));
  EXPECT_FALSE(t.matches("https://example.com/a+b?c=d&e=f#"));
  EXPECT_FALSE(t.matches("https://example.com/a b?c=d&e=f#g"));
  const UriTemplate empty = must_parse("");
  EXPECT_TRUE(empty.matches(""));
  EXPECT_FALSE(empty.matches("a"));
}

TEST(UriTemplateParse, ExposesParts) {
  const UriTemplate t = must_parse("/a{+b,c:3}x{?d*}");
  EXPECT_EQ(t.text(), "/a{+b,c:3}x{?d*}");
  EXPECT_EQ(t.expression_count(), 2u);
  ASSERT_EQ(t.parts().size(), 4u);
  EXPECT_EQ(t.parts()[0].literal, "/a");
  const Expression& e = t.parts()[1].expression;
  EXPECT_EQ(e.op, Operator::reserved);
  ASSERT_EQ(e.vars.size(), 2u);
  EXPECT_EQ(e.vars[0].name, "b");
  EXPECT_EQ(e.vars[1].name, "c");
  EXPECT_EQ(e.vars[1].prefix, 3);
  EXPECT_EQ(t.parts()[2].literal, "x");
  EXPECT_EQ(t.parts()[3].expression.op, Operator::query);
  EXPECT_TRUE(t.parts()[3].expression.vars[0].explode);
}

TEST(UriTemplateParse, AcceptsEveryOperatorAndVarnameForm) {
  for (const char* text : {"{x}",    "{+x}",      "{#x}",    "{.x}",        "{/x}",
                           "{;x}",   "{?x}",      "{&x}",    "{x,y,z}",     "{x*}",
                           "{x:1}",  "{x:9999}",  "{a.b.c}", "{_1}",        "{%41b}",
                           "{A9_z}", "a{x}b{y}c", "%41",     "caf\xc3\xa9", "\xf0\x9f\x98\x80"}) {
    std::string error;
    EXPECT_TRUE(UriTemplate::parse(text, &error).has_value()) << text << ": " << error;
  }
}

struct BadTemplate {
  const char* text;
  const char* message;  // a substring of the error
};

const BadTemplate kBadTemplates[] = {
    {"{", "unterminated expression at byte 0"},
    {"a{x", "unterminated expression at byte 1"},
    {"a{x,", "unterminated expression"},
    {"{x:3", "unterminated expression"},
    {"}", "'}' without a matching '{' at byte 0"},
    {"a}b", "'}' without a matching '{' at byte 1"},
    {"{x}}", "'}' without a matching '{' at byte 3"},
    {"{}", "empty expression at byte 0"},
    {"{=x}", "reserved operator at byte 1"},
    {"{,x}", "reserved operator"},
    {"{!x}", "reserved operator"},
    {"{@x}", "reserved operator"},
    {"{|x}", "reserved operator"},
    {"{x y}", "unexpected character in expression at byte 2"},
    {"{x-y}", "unexpected character in expression"},
    {"{{x}}", "invalid variable name at byte 1"},
    {"{$x}", "invalid variable name"},
    {"{.}", "invalid variable name"},
    {"{x.}", "invalid variable name"},
    {"{a..b}", "invalid variable name"},
    {"{x,}", "invalid variable name"},
    {"{+}", "invalid variable name"},
    {"{%4}", "invalid percent-encoding in variable name"},
    {"{x:}", "invalid prefix length"},
    {"{x:0}", "invalid prefix length"},
    {"{x:01}", "invalid prefix length"},
    {"{x:10000}", "invalid prefix length"},
    {"{x:a}", "invalid prefix length"},
    {"{x*3}", "unexpected character in expression"},
    {"{x*:3}", "unexpected character in expression"},
    {"{x:3*}", "unexpected character in expression"},
    {"%", "invalid percent-encoding at byte 0"},
    {"%2", "invalid percent-encoding"},
    {"a%zz", "invalid percent-encoding at byte 1"},
    {"a b", "character not allowed in a URI template literal at byte 1"},
    {"a<b>", "character not allowed"},
    {"a\"b", "character not allowed"},
    {"a|b", "character not allowed"},
    {"a\\b", "character not allowed"},
    {"a^b", "character not allowed"},
    {"a`b", "character not allowed"},
    {"a'b", "character not allowed"},
    {"a\tb", "character not allowed"},
    {"a\x7f", "character not allowed"},
    {"\xff", "invalid UTF-8 at byte 0"},
    {"a\xc3", "invalid UTF-8 at byte 1"},
    {"\xc0\xaf", "invalid UTF-8"},      // overlong '/'
    {"\xed\xa0\x80", "invalid UTF-8"},  // a surrogate
    {"\xc2\x85", "control character"},  // C1 control U+0085
};

TEST(UriTemplateParse, RefusesMalformedTemplatesWithAReason) {
  for (const BadTemplate& bad : kBadTemplates) {
    std::string error;
    EXPECT_FALSE(UriTemplate::parse(bad.text, &error).has_value()) << bad.text;
    EXPECT_NE(error.find(bad.message), std::string::npos)
        << "template \"" << bad.text << "\": got \"" << error << "\", want \"" << bad.message
        << "\"";
  }
  EXPECT_FALSE(UriTemplate::parse("{", nullptr).has_value());  // no error sink is fine
}

TEST(UriTemplateParse, EnforcesLimits) {
  std::string error;
  EXPECT_TRUE(UriTemplate::parse(std::string(UriTemplate::kMaxLength, 'a'), &error));
  EXPECT_FALSE(UriTemplate::parse(std::string(UriTemplate::kMaxLength + 1, 'a'), &error));
  EXPECT_NE(error.find("longer than"), std::string::npos) << error;

  std::string many;
  for (std::size_t i = 0; i < UriTemplate::kMaxExpressions; ++i)
    many += "{x}";
  EXPECT_TRUE(UriTemplate::parse(many, &error)) << error;
  many += "{x}";
  EXPECT_FALSE(UriTemplate::parse(many, &error));
  EXPECT_NE(error.find("too many expressions"), std::string::npos) << error;

  std::string vars = "{v";
  for (std::size_t i = 1; i <= UriTemplate::kMaxVariables; ++i)
    vars += ",v";
  vars += "}";
  EXPECT_FALSE(UriTemplate::parse(vars, &error));
  EXPECT_NE(error.find("too many variables"), std::string::npos) << error;
}

// --- Hostile inputs ------------------------------------------------------------------------
// Matching is linear in the URI per part. A backtracking matcher takes exponential time on
// these; the bound below is far above what a linear matcher needs even under sanitizers, so
// it only trips on a blow-up, not on a slow machine.
template <typename F>
void expect_fast(F&& f, const char* what) {
  const auto start = std::chrono::steady_clock::now();
  f();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(10)) << what;
}

TEST(UriTemplateHostile, ManyAdjacentExpressionsAgainstANearMiss) {
  std::string tmpl;
  for (std::size_t i = 0; i < UriTemplate::kMaxExpressions; ++i)
    tmpl += "{x}";
  const UriTemplate t = must_parse(tmpl);
  const std::string uri = std::string(20000, 'a') + "/";
  expect_fast([&] { EXPECT_FALSE(t.matches(uri)); }, "adjacent expressions");
}

TEST(UriTemplateHostile, ExpressionsSeparatedByRepeatedLiterals) {
  std::string tmpl;
  for (std::size_t i = 0; i < 60; ++i)
    tmpl += "{x}aaaaaaaaaaaaaaaaaaaaaaaaaab";
  const UriTemplate t = must_parse(tmpl + "{x}");
  std::string uri;
  while (uri.size() < 50000)
    uri += "aaaaaaaaaaaaaaaaaaaaaaaaab";
  uri += "/";  // past the reach of the last expression
  expect_fast([&] { EXPECT_FALSE(t.matches(uri)); }, "repeated literals");
}

TEST(UriTemplateHostile, PrefixesExplodesAndNamesOnALongUri) {
  std::string tmpl;
  for (std::size_t i = 0; i < 10; ++i)
    tmpl += "{x:9999}{;a*}{?b,c}{&d*}{+e}{#f}";
  const UriTemplate t = must_parse(tmpl);
  std::string uri;
  while (uri.size() < 50000)
    uri += "%C3%A9;a=b&c=d?b=";
  uri += " ";
  expect_fast([&] { EXPECT_FALSE(t.matches(uri)); }, "prefixes and explodes");
}

TEST(UriTemplateHostile, ManyVariablesInOneExpression) {
  std::string tmpl = "{;v";
  for (std::size_t i = 1; i < UriTemplate::kMaxVariables; ++i)
    tmpl += ",v";
  tmpl += "}";
  const UriTemplate t = must_parse(tmpl);
  std::string uri;
  while (uri.size() < 20000)
    uri += ";v=1";
  expect_fast([&] { EXPECT_FALSE(t.matches(uri + "/")); }, "many variables");
  std::string short_uri;
  for (int i = 0; i < 10; ++i)
    short_uri += ";v=1";
  EXPECT_TRUE(t.matches(short_uri));
}

// --- Round trip: expand random templates with random string values, then match -------------

// RFC 6570 expansion with every variable a defined string (section 3.2.1), as an oracle
// written independently of the matcher.
std::string expand(const UriTemplate& t, const std::vector<std::string>& values) {
  std::size_t next = 0;
  std::string out;
  static const char* kHex = "0123456789ABCDEF";
  for (const TemplatePart& part : t.parts()) {
    if (!part.is_expression) {
      out += part.literal;
      continue;
    }
    const Expression& e = part.expression;
    const bool reserved = e.op == Operator::reserved || e.op == Operator::fragment;
    const char* first = "\0+#./;?&";
    const char* seps = ",,,./;&&";
    const auto op = static_cast<std::size_t>(e.op);
    const bool named = e.op == Operator::parameter || e.op == Operator::query ||
                       e.op == Operator::query_continuation;
    for (std::size_t i = 0; i < e.vars.size(); ++i) {
      if (i == 0 && op != 0 && e.op != Operator::reserved) out += first[op];
      if (i > 0) out += seps[op];
      std::string v = values[next++ % values.size()];
      if (e.vars[i].prefix != 0 && v.size() > e.vars[i].prefix) v.resize(e.vars[i].prefix);
      if (named) {
        out += e.vars[i].name;
        if (v.empty()) {
          if (e.op != Operator::parameter) out += '=';
          continue;
        }
        out += '=';
      }
      for (unsigned char c : v) {
        const bool unreserved = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
        const bool res = std::string_view(":/?#[]@!$&'()*+,;=").find(static_cast<char>(c)) !=
                         std::string_view::npos;
        if (unreserved || (reserved && res)) {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
      }
    }
  }
  return out;
}

TEST(UriTemplateMatch, RandomTemplatesMatchTheirExpansions) {
  std::mt19937 rng(20240607);
  const std::vector<std::string> pieces = {
      "https://example.com/", "/", "books", "?", "a=b", "-", "x", ".json", "#", "&"};
  const char* ops[] = {"", "+", "#", ".", "/", ";", "?", "&"};
  const std::string alphabet = "aZ9-._~ /?#=&,;:%!\xc3\xa9";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      if (rng() % 2) text += pieces[rng() % pieces.size()];
      text += "{";
      text += ops[rng() % 8];
      const int vars = 1 + static_cast<int>(rng() % 3);
      for (int v = 0; v < vars; ++v) {
        if (v) text += ",";
        text += 'v';
        text += std::to_string(v);
        if (rng() % 4 == 0) {
          text += ':';
          text += std::to_string(1 + rng() % 5);
        }
      }
      text += "}";
    }
    const UriTemplate t = must_parse(text);
    std::vector<std::string> values;
    for (int i = 0; i < 4; ++i) {
      std::string v;
      const int len = static_cast<int>(rng() % 8);
      for (int k = 0; k < len; ++k)
        v += alphabet[rng() % alphabet.size()];
      values.push_back(v);
    }
    const std::string uri = expand(t, values);
    EXPECT_TRUE(t.matches(uri)) << text << " should match " << uri;
  }
}

// The length bound rejects only what could never match: a URI exactly as long as the
// literals still matches with empty expressions.
TEST(UriTemplateMatch, TopicsShorterThanTheLiteralsNeverMatch) {
  EXPECT_TRUE(match("{a}/books/{b}", "/books/"));
  EXPECT_FALSE(match("{a}/books/{b}", "/books"));
  EXPECT_TRUE(match("{a}" + std::string(700, 'q') + "{b}", std::string(700, 'q')));
  EXPECT_FALSE(match("{a}" + std::string(700, 'q') + "{b}", "https://example.com/held/1"));
}

}  // namespace
}  // namespace herald::match
