// The 63 conformance vectors of shared/conformance/sse-vectors.json, each fed whole, one
// byte at a time, split in two at every point, and in its own chunks when it has them.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recorder.hpp"

namespace herald::wire::test {
namespace {

struct Vector {
  std::string name;
  std::string bytes;
  std::vector<std::string> chunks;  // empty when the vector does not prescribe any
  std::vector<ReceivedEvent> expected;
  std::optional<std::uint32_t> expected_retry;
  std::string expected_last_event_id;
  std::optional<std::string> initial_last_event_id;
};

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<Vector> load_vectors() {
  std::ifstream file(HERALD_VECTORS);
  if (!file) throw std::runtime_error("cannot open " HERALD_VECTORS);
  const auto json = nlohmann::json::parse(file);
  std::vector<Vector> vectors;
  for (const auto& v : json.at("vectors")) {
    Vector vec;
    vec.name = v.at("name").get<std::string>();
    vec.bytes = from_hex(v.at("input_hex").get<std::string>());
    if (v.contains("chunks_hex")) {
      for (const auto& c : v.at("chunks_hex"))
        vec.chunks.push_back(from_hex(c.get<std::string>()));
    }
    for (const auto& e : v.at("expected")) {
      vec.expected.push_back(ReceivedEvent{e.at("type").get<std::string>(),
                                           e.at("data").get<std::string>(),
                                           e.at("id").get<std::string>()});
    }
    if (!v.at("expected_retry").is_null())
      vec.expected_retry = v.at("expected_retry").get<std::uint32_t>();
    vec.expected_last_event_id = v.at("expected_last_event_id").get<std::string>();
    if (v.contains("initial_last_event_id") && !v.at("initial_last_event_id").is_null()) {
      vec.initial_last_event_id = v.at("initial_last_event_id").get<std::string>();
    }
    vectors.push_back(std::move(vec));
  }
  return vectors;
}

const std::vector<Vector>& vectors() {
  static const std::vector<Vector> all = load_vectors();
  return all;
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
  std::string name = "v" + std::to_string(info.param) + "_";
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
