#pragma once
// Socket helpers: non-blocking connects from a chosen loopback source address, and the
// short names failures are counted under.
#include <cstdint>
#include <string>

#include "herald/loadgen/target.hpp"

namespace herald::loadgen {

// Starts a non-blocking connect to `target` from `source` (host order; 0: any). Returns
// the descriptor, or -errno. IP_BIND_ADDRESS_NO_PORT defers the port choice to connect(),
// so ports are shared across destinations instead of reserved per bind.
int start_connect(const Target& target, std::uint32_t source);

// The pending error of a connecting socket (SO_ERROR), 0 when connected.
int connect_result(int fd);

// refused, timeout, reset, no_port (ephemeral ports exhausted), fd_limit, or errno_<n>.
std::string failure_reason(int error);

}  // namespace herald::loadgen
