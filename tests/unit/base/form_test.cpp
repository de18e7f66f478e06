#include "herald/base/form.hpp"

#include <gtest/gtest.h>

namespace herald::form {
namespace {

std::vector<Field> must_decode(std::string_view text) {
  std::vector<Field> fields;
  std::string error;
  EXPECT_TRUE(decode(text, fields, error)) << error;
  return fields;
}

std::string decode_error(std::string_view text) {
  std::vector<Field> fields;
  std::string error;
  EXPECT_FALSE(decode(text, fields, error)) << text;
  return error;
}

TEST(Form, DecodesRepeatedFieldsInOrder) {
  auto f = must_decode("topic=a&topic=b%2Fc&data=hello+world&empty=&bare");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].value, "a");
  EXPECT_EQ(f[1].value, "b/c");
  EXPECT_EQ(f[2].value, "hello world");
  EXPECT_EQ(f[3].name, "empty");
  EXPECT_EQ(f[3].value, "");
  EXPECT_EQ(f[4].name, "bare");
  EXPECT_EQ(*find(f, "data"), "hello world");
  EXPECT_EQ(find(f, "missing"), nullptr);
}

TEST(Form, KeepsLineBreaksAndUtf8) {
  auto f = must_decode("data=a%0D%0Ab%0Ac&x=%C3%A9%E2%82%AC");
  EXPECT_EQ(f[0].value, "a\r\nb\nc");
  EXPECT_EQ(f[1].value, "\xC3\xA9\xE2\x82\xAC");
}

TEST(Form, SkipsEmptyPairs) {
  EXPECT_EQ(must_decode("&&a=1&&").size(), 1u);
}

TEST(Form, RejectsBadPercentEscapes) {
  for (auto bad : {"a=%zz", "a=%4", "a=%", "%g0=1", "a=1&b=%2"}) {
    EXPECT_NE(decode_error(bad).find("percent"), std::string::npos) << bad;
  }
}

TEST(Form, RejectsInvalidUtf8) {
  EXPECT_NE(decode_error("a=%FF").find("UTF-8"), std::string::npos);
  EXPECT_NE(decode_error("a=%C0%AF").find("UTF-8"), std::string::npos);     // overlong '/'
  EXPECT_NE(decode_error("a=%ED%A0%80").find("UTF-8"), std::string::npos);  // surrogate
}

TEST(Form, EnforcesLimits) {
  std::vector<Field> fields;
  std::string error;
  EXPECT_FALSE(decode("a=1&b=2&c=3", fields, error, {.max_fields = 2}));
  EXPECT_NE(error.find("too many"), std::string::npos);
  fields.clear();
  EXPECT_FALSE(decode("a=12345", fields, error, {.max_value_bytes = 4}));
  EXPECT_NE(error.find("too large"), std::string::npos);
}

TEST(Form, EncodesAsUrlSearchParams) {
  // Node: new URLSearchParams([['m', <this value>]]).toString() without the "m=".
  EXPECT_EQ(
      encode("https://example.com/books/{id}?a=1&b=c d~*'!()\xC3\xA9#"),
      "https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D%3Fa%3D1%26b%3Dc+d%7E*%27%21%28%29%C3%A9%23");
  EXPECT_EQ(encode("AZaz09-._"), "AZaz09-._");
  EXPECT_EQ(encode(std::string_view("\0+\n", 3)), "%00%2B%0A");
}

TEST(Form, DecodesWhatItEncodes) {
  const std::string value = "a b+c&d=e%f/\xC3\xA9\r\n";
  std::string back;
  ASSERT_TRUE(percent_decode(encode(value), back));
  EXPECT_EQ(back, value);
}

}  // namespace
}  // namespace herald::form
