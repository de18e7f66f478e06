// Base64url as JWS uses it: no padding, one spelling per byte string.
#include "herald/auth/base64url.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace herald::auth {
namespace {

TEST(Base64url, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64url, UsesTheUrlAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64url, DecodesWhatItEncodes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string bytes(rng() % 70, '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng());
    const std::string text = base64url_encode(bytes);
    ASSERT_EQ(base64url_decode(text), bytes) << text;
  }
}

TEST(Base64url, RefusesPadding) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Zm8="));
}

TEST(Base64url, RefusesCharactersOutsideTheAlphabet) {
  EXPECT_FALSE(base64url_decode("Zm9v+g"));  // standard base64 '+'
  EXPECT_FALSE(base64url_decode("Zm9v/g"));
  EXPECT_FALSE(base64url_decode("Zm9 v"));
  EXPECT_FALSE(base64url_decode("Zm9v\n"));
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
  EXPECT_FALSE(base64url_decode("Zm9v."));
}

TEST(Base64url, RefusesImpossibleLengths) {
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
}

TEST(Base64url, RefusesNonZeroTrailingBits) {
  // "Zg" is "f"; "Zh" has the same first byte but stray low bits: a second spelling.
  EXPECT_EQ(base64url_decode("Zg"), std::string("f"));
  EXPECT_FALSE(base64url_decode("Zh"));
  EXPECT_EQ(base64url_decode("Zm8"), std::string("fo"));
  EXPECT_FALSE(base64url_decode("Zm9"));
}

}  // namespace
}  // namespace herald::auth
