// The serializer's exact bytes, and its refusals.
#include <gtest/gtest.h>

#include <string>

#include "herald/wire/serializer.hpp"

namespace herald::wire {
namespace {

std::string wire(const Event& event) {
  std::string out;
  EXPECT_EQ(serialize(event, out), SerializeError::none);
  return out;
}

TEST(WireSerializer, DataOnly) {
  EXPECT_EQ(wire(Event{.data = "hello"}), "data: hello\n\n");
}

TEST(WireSerializer, AllFieldsInOrder) {
  const Event e{.id = "urn:uuid:1", .type = "update", .data = "{}", .retry = 3000, .comment = "hi"};
  EXPECT_EQ(wire(e), ":hi\nid: urn:uuid:1\nevent: update\nretry: 3000\ndata: {}\n\n");
}

TEST(WireSerializer, EmptyDataStillDispatches) {
  EXPECT_EQ(wire(Event{}), "data:\n\n");
}

TEST(WireSerializer, EmptyIdIsWrittenToResetTheClientsId) {
  EXPECT_EQ(wire(Event{.id = "", .data = "x"}), "id:\ndata: x\n\n");
}

TEST(WireSerializer, SplitsDataAtCrLfAndCrlf) {
  EXPECT_EQ(wire(Event{.data = "a\r\nb\rc\nd"}), "data: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(WireSerializer, KeepsEmptyLinesInData) {
  EXPECT_EQ(wire(Event{.data = "\na\n\n"}), "data:\ndata: a\ndata:\ndata:\n\n");
  EXPECT_EQ(wire(Event{.data = "\r\r\n"}), "data:\ndata:\ndata:\n\n");
}

TEST(WireSerializer, LeadingSpaceSurvivesBehindTheSeparator) {
  EXPECT_EQ(wire(Event{.type = " t", .data = "  two"}), "event:  t\ndata:   two\n\n");
}

TEST(WireSerializer, RetryZeroAndMax) {
  EXPECT_EQ(wire(Event{.data = "x", .retry = 0}), "retry: 0\ndata: x\n\n");
  EXPECT_EQ(wire(Event{.data = "x", .retry = 4294967295u}), "retry: 4294967295\ndata: x\n\n");
}

TEST(WireSerializer, MultiLineComment) {
  EXPECT_EQ(wire(Event{.data = "x", .comment = "a\r\nb"}), ":a\n:b\ndata: x\n\n");
}

TEST(WireSerializer, AppendsToTheCallersBuffer) {
  std::string out = "before|";
  ASSERT_EQ(serialize(Event{.data = "1"}, out), SerializeError::none);
  ASSERT_EQ(serialize(Event{.data = "2"}, out), SerializeError::none);
  EXPECT_EQ(out, "before|data: 1\n\ndata: 2\n\n");
}

struct BadField {
  const char* name;
  Event event;
  SerializeError error;
};

void PrintTo(const BadField& b, std::ostream* os) {
  *os << b.name;
}

class WireSerializerRejects : public testing::TestWithParam<BadField> {};

TEST_P(WireSerializerRejects, ReturnsTheErrorAndAppendsNothing) {
  std::string out = "kept";
  EXPECT_EQ(serialize(GetParam().event, out), GetParam().error);
  EXPECT_EQ(out, "kept");
  EXPECT_NE(describe(GetParam().error), describe(SerializeError::none));
}

using namespace std::string_literals;
INSTANTIATE_TEST_SUITE_P(Cases, WireSerializerRejects,
                         testing::Values(BadField{"IdCr", Event{.id = "a\rb", .data = "x"},
                                                  SerializeError::id_has_line_break_or_nul},
                                         BadField{"IdLf", Event{.id = "a\n", .data = "x"},
                                                  SerializeError::id_has_line_break_or_nul},
                                         BadField{"IdNul", Event{.id = "a\0b"s, .data = "x"},
                                                  SerializeError::id_has_line_break_or_nul},
                                         BadField{"TypeCr", Event{.type = "\r", .data = "x"},
                                                  SerializeError::type_has_line_break_or_nul},
                                         BadField{"TypeLf", Event{.type = "t\nid: 1", .data = "x"},
                                                  SerializeError::type_has_line_break_or_nul},
                                         BadField{"TypeNul", Event{.type = "\0"s, .data = "x"},
                                                  SerializeError::type_has_line_break_or_nul},
                                         // Both bad: the id is checked first.
                                         BadField{"Both", Event{.id = "\n", .type = "\n"},
                                                  SerializeError::id_has_line_break_or_nul}),
                         [](const testing::TestParamInfo<BadField>& info) {
                           return std::string(info.param.name);
                         });

TEST(WireSerializer, DescribeNamesEachError) {
  EXPECT_NE(describe(SerializeError::id_has_line_break_or_nul),
            describe(SerializeError::type_has_line_break_or_nul));
}

TEST(WireSerializer, IsSingleLineField) {
  EXPECT_TRUE(is_single_line_field(""));
  EXPECT_TRUE(is_single_line_field("urn:uuid:1 \t\xE2\x82\xAC"));
  EXPECT_FALSE(is_single_line_field("a\r"));
  EXPECT_FALSE(is_single_line_field("\na"));
  EXPECT_FALSE(is_single_line_field(std::string_view("a\0", 2)));
}

TEST(WireSerializeComment, OneColonLinePerLine) {
  std::string out;
  serialize_comment("", out);
  EXPECT_EQ(out, ":\n");
  out.clear();
  serialize_comment("keep-alive", out);
  EXPECT_EQ(out, ":keep-alive\n");
  out.clear();
  serialize_comment("a\nb\rc\r\n", out);
  EXPECT_EQ(out, ":a\n:b\n:c\n:\n");
}

}  // namespace
}  // namespace herald::wire
