#pragma once
// The data of every bench event: "<seq> <send-ns> <padding>". The subscriber learns the
// event's sequence number and send time from the data alone, so it needs nothing from a
// hub beyond relaying the data (ids stay the hub's), and any hub can be measured.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::loadgen {

struct Payload {
  std::uint64_t seq = 0;
  std::uint64_t sent_ns = 0;
};

// CLOCK_MONOTONIC in nanoseconds: one clock for every process on the machine.
std::uint64_t now_ns();

// Replaces `out` with the data for (seq, sent_ns), padded with 'x' to `total_bytes` (when
// the numbers need more room, the data is longer). Reuses out's capacity.
void format_payload(std::string& out, std::uint64_t seq, std::uint64_t sent_ns,
                    std::size_t total_bytes);

// False when `data` does not start with "<digits> <digits>".
bool parse_payload(std::string_view data, Payload& out);

}  // namespace herald::loadgen
