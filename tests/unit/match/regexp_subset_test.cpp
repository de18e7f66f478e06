// The custom regexp subset: what ECMAScript (u flag) and RE2 read alike is accepted, the
// rest refused.
#include "regexp_subset.hpp"

#include <gtest/gtest.h>

#include "pattern_error.hpp"

namespace {

using herald::match::check_regexp_subset;
using herald::match::PatternError;

TEST(RegexpSubset, AcceptsWhatBothEnginesReadAlike) {
  for (const char* re :
       {"\\d+", "[a-z]{2,3}", "books|films", "(?:ab)+?", "a.b", "\\/\\.\\(", "[^/]+", "[\\-\\]a]",
        "\\w*\\W?\\D{3}", "^a$", "x{2}", "x{2,}?", "[-a]", "(?:a|)"}) {
    EXPECT_NO_THROW(check_regexp_subset(re)) << re;
  }
}

TEST(RegexpSubset, RefusesWhatTheyReadDifferentlyOrRe2CannotRun) {
  for (const char* re : {"a(?=b)", "a(?!b)",      "(?<=a)b", "(?<n>a)", "(?i)a", "\\1",   "\\b",
                         "\\s",    "\\x41",       "\\u0041", "\\p{L}",  "\\n",   "\\-",   "[]",
                         "[^]",    "[[:alpha:]]", "[\\d]",   "[a",      "a{",    "a{,2}", "a}",
                         "a]",     "*a",          "a**",     "a+??",    "|*",    "(?:*)", "^*"}) {
    EXPECT_THROW(check_regexp_subset(re), PatternError) << re;
  }
}

}  // namespace
