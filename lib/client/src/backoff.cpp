#include "herald/client/backoff.hpp"

#include <algorithm>

namespace herald::client {

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds reconnection_time,
                                        unsigned failures, const BackoffOptions& options,
                                        double random01) {
  using ms = std::chrono::milliseconds;
  const ms cap = std::max(options.max_delay, ms{0});
  // Double with a bounded shift: past 2^20 times the base every sane cap is reached.
  const unsigned doublings = std::min(failures > 0 ? failures - 1 : 0u, 20u);
  const auto base = std::max<ms::rep>(reconnection_time.count(), 0);
  const ms::rep raw = std::min<ms::rep>(base << doublings, cap.count());
  const double jitter = std::clamp(options.jitter, 0.0, 1.0) * std::clamp(random01, 0.0, 1.0);
  const auto jittered = raw + static_cast<ms::rep>(static_cast<double>(raw) * jitter);
  return ms{std::min<ms::rep>(jittered, cap.count())};
}

}  // namespace herald::client
