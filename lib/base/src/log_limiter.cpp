#include "herald/base/log_limiter.hpp"

namespace herald::log {

bool LineLimiter::allow(clock::time_point now, std::uint64_t& suppressed) {
  if (written_once_ && now - last_written_ < period_) {
    ++suppressed_;
    return false;
  }
  written_once_ = true;
  last_written_ = now;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace herald::log
