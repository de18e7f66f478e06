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

}  // namespace
}  // namespace herald::form
