#include "herald/loadgen/event_payload.hpp"

#include <charconv>
#include <ctime>

namespace herald::loadgen {

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void format_payload(std::string& out, std::uint64_t seq, std::uint64_t sent_ns,
                    std::size_t total_bytes) {
  char digits[48];
  char* p = std::to_chars(digits, digits + 20, seq).ptr;
  *p++ = ' ';
  p = std::to_chars(p, p + 20, sent_ns).ptr;
  auto n = static_cast<std::size_t>(p - digits);
  out.assign(digits, n);
  if (total_bytes > n + 1) {
    out += ' ';
    out.append(total_bytes - n - 1, 'x');
  }
}

bool parse_payload(std::string_view data, Payload& out) {
  const char* p = data.data();
  const char* end = p + data.size();
  auto [q, e1] = std::from_chars(p, end, out.seq);
  if (e1 != std::errc() || q == end || *q != ' ') return false;
  auto [r, e2] = std::from_chars(q + 1, end, out.sent_ns);
  if (e2 != std::errc()) return false;
  return r == end || *r == ' ';
}

}  // namespace herald::loadgen
