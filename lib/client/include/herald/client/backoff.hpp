#pragma once
// How long to wait before a reconnect: the reconnection time (the server's `retry:`, or the
// initial value), doubled for each failure in a row, lengthened by a random jitter so that
// clients cut at once do not come back at once, and capped. Boost-free, deterministic
// given its random number.
#include <chrono>

namespace herald::client {

struct BackoffOptions {
  // Bounds every wait, a server's `retry:` included, so a misconfigured server cannot park
  // the client for hours.
  std::chrono::milliseconds max_delay{30000};
  // A stream that stayed open this long was healthy: the next failure starts the doubling
  // over from the reconnection time.
  std::chrono::milliseconds reset_after{60000};
  // Each wait is lengthened by up to this fraction of itself (0 = no jitter). Jitter only
  // ever lengthens: the spec lets a client wait more than `retry:`, never less.
  double jitter = 0.5;
};

// The wait before reconnect number `failures` (>= 1) of a run of failures; `random01` is
// uniform in [0, 1).
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds reconnection_time,
                                        unsigned failures, const BackoffOptions& options,
                                        double random01);

}  // namespace herald::client
