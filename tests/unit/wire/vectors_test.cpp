// The 63 conformance vectors of shared/conformance/sse-vectors.json, each fed whole, one
// byte at a time, split in two at every point, and in its own chunks when it has them.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../common/sse_vectors.hpp"
#include "recorder.hpp"

namespace herald::wire::test {
namespace {

using Vector = herald::test::SseVector;

const std::vector<Vector>& vectors() {
  return herald::test::sse_vectors();
}

std::vector<std::size_t> all_indices() {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < vectors().size(); ++i)
    out.push_back(i);
  return out;
}

std::vector<std::size_t> chunked_indices() {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < vectors().size(); ++i) {
    if (!vectors()[i].chunks.empty()) out.push_back(i);
  }
  return out;
}

std::string test_name(const testing::TestParamInfo<std::size_t>& info) {
  // Appended rather than `"v" + std::to_string(...)`: GCC 12 at -O3 reports a false
  // -Wrestrict on operator+(const char*, std::string&&) (GCC bug 105329).
  std::string name = "v";
  name += std::to_string(info.param);
  name += '_';
  for (const char c : vectors()[info.param].name) {
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return name;
}

// Feeds the pieces, ends the stream, and checks everything the vector prescribes.
void check(const Vector& v, const std::vector<std::string_view>& pieces, const std::string& how) {
  SCOPED_TRACE(v.name + " fed " + how);
  Recorder r;
  if (v.initial_last_event_id) r.parser.set_last_event_id(*v.initial_last_event_id);
  for (const auto piece : pieces)
    r.feed(piece);
  r.parser.finish();
  EXPECT_EQ(r.events, v.expected);
  EXPECT_EQ(r.parser.retry(), v.expected_retry);
  EXPECT_EQ(r.parser.last_event_id(), v.expected_last_event_id);
  EXPECT_TRUE(r.errors.empty());
  if (v.expected_retry) {
    ASSERT_FALSE(r.retries.empty());
    EXPECT_EQ(r.retries.back(), *v.expected_retry);
  } else {
    EXPECT_TRUE(r.retries.empty());
  }
}

class WireVectors : public testing::TestWithParam<std::size_t> {
 protected:
  const Vector& vector() const { return vectors()[GetParam()]; }
};

TEST(WireVectorFile, HasAllVectors) {
  EXPECT_EQ(vectors().size(), 63u);
}

TEST_P(WireVectors, FedWhole) {
  check(vector(), {vector().bytes}, "whole");
}

TEST_P(WireVectors, FedOneByteAtATime) {
  const std::string_view bytes = vector().bytes;
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    pieces.push_back(bytes.substr(i, 1));
  check(vector(), pieces, "one byte at a time");
}

TEST_P(WireVectors, FedSplitAtEveryPoint) {
  const std::string_view bytes = vector().bytes;
  for (std::size_t at = 0; at <= bytes.size(); ++at) {
    check(vector(), {bytes.substr(0, at), bytes.substr(at)}, "split at " + std::to_string(at));
    if (HasFailure()) return;  // one failing split point says enough
  }
}

INSTANTIATE_TEST_SUITE_P(All, WireVectors, testing::ValuesIn(all_indices()), test_name);

class WireChunkedVectors : public WireVectors {};

TEST_P(WireChunkedVectors, FedInItsChunks) {
  std::vector<std::string_view> pieces(vector().chunks.begin(), vector().chunks.end());
  std::string joined;
  for (const auto p : pieces)
    joined.append(p);
  ASSERT_EQ(joined, vector().bytes);  // the vector file is self-consistent
  check(vector(), pieces, "in its chunks");
}

INSTANTIATE_TEST_SUITE_P(All, WireChunkedVectors, testing::ValuesIn(chunked_indices()), test_name);

}  // namespace
}  // namespace herald::wire::test
