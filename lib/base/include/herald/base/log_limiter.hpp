#pragma once
// Rate limit for a log line that can repeat many times a second (accept failing at the
// fd limit, connections refused at --max-connections): at most one line per period, and
// that line tells how many were held back since the previous one. One per call site (and
// per thread: it takes no lock).
#include <chrono>
#include <cstdint>

namespace herald::log {

class LineLimiter {
 public:
  using clock = std::chrono::steady_clock;
  explicit LineLimiter(clock::duration period) : period_(period) {}

  // True when the line may be written at `now`; `suppressed` is then the number of lines
  // held back since the last one written.
  bool allow(clock::time_point now, std::uint64_t& suppressed);

 private:
  clock::duration period_;
  bool written_once_ = false;
  clock::time_point last_written_;
  std::uint64_t suppressed_ = 0;
};

}  // namespace herald::log
