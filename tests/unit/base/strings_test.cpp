// The string helpers every module shares (lib/base/include/herald/base/strings.hpp).
#include "herald/base/strings.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(Strings, TrimOwsRemovesSpacesAndTabsAroundOnly) {
  EXPECT_EQ(trim_ows(" \t a b \t"), "a b");
  EXPECT_EQ(trim_ows(" \t "), "");
  EXPECT_EQ(trim_ows("x"), "x");
}

TEST(Strings, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Bearer", "Bearer "));
  EXPECT_FALSE(iequals("a", "b"));
  // '@' and '`' differ from 'A'... only by bit 0x20 would a sloppy compare say they match.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
  // Bytes above ASCII compare as they are: no locale folds them.
  EXPECT_FALSE(iequals("\xc3\xa9", "\xc3\x89"));
  static_assert(iequals("Host", "HOST"));
}

TEST(Strings, OneLineTurnsControlsIntoSpacesAndTrims) {
  EXPECT_EQ(one_line("  400 bad request\r\nmissing topic\n"), "400 bad request  missing topic");
  EXPECT_EQ(one_line("a\tb\x7f"
                     "c"),
            "a b c");
  EXPECT_EQ(one_line("\r\n"), "");
  EXPECT_EQ(one_line(""), "");
  EXPECT_EQ(one_line("caf\xc3\xa9"), "caf\xc3\xa9") << "UTF-8 is kept";
}

}  // namespace
}  // namespace herald
