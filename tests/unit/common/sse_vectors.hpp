#pragma once
// The conformance vectors of shared/conformance/sse-vectors.json, loaded once for every
// test that needs them (the parser's and the whole client's). HERALD_VECTORS is the file's
// path, defined by herald_unit_test().
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "herald/wire/event.hpp"

namespace herald::test {

struct SseVector {
  std::string name;
  std::string bytes;
  std::vector<std::string> chunks;  // empty when the vector does not prescribe any
  std::vector<wire::ReceivedEvent> expected;
  std::optional<std::uint32_t> expected_retry;
  std::string expected_last_event_id;
  std::optional<std::string> initial_last_event_id;
};

inline std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

inline std::vector<SseVector> load_sse_vectors() {
  std::ifstream file(HERALD_VECTORS);
  if (!file) throw std::runtime_error("cannot open " HERALD_VECTORS);
  const auto json = nlohmann::json::parse(file);
  std::vector<SseVector> vectors;
  for (const auto& v : json.at("vectors")) {
    SseVector vec;
    vec.name = v.at("name").get<std::string>();
    vec.bytes = from_hex(v.at("input_hex").get<std::string>());
    if (v.contains("chunks_hex")) {
      for (const auto& c : v.at("chunks_hex"))
        vec.chunks.push_back(from_hex(c.get<std::string>()));
    }
    for (const auto& e : v.at("expected")) {
      vec.expected.push_back(wire::ReceivedEvent{e.at("type").get<std::string>(),
                                                 e.at("data").get<std::string>(),
                                                 e.at("id").get<std::string>()});
    }
    if (!v.at("expected_retry").is_null()) {
      vec.expected_retry = v.at("expected_retry").get<std::uint32_t>();
    }
    vec.expected_last_event_id = v.at("expected_last_event_id").get<std::string>();
    if (v.contains("initial_last_event_id") && !v.at("initial_last_event_id").is_null()) {
      vec.initial_last_event_id = v.at("initial_last_event_id").get<std::string>();
    }
    vectors.push_back(std::move(vec));
  }
  return vectors;
}

// Loaded once per test binary.
inline const std::vector<SseVector>& sse_vectors() {
  static const std::vector<SseVector> all = load_sse_vectors();
  return all;
}

}  // namespace herald::test
