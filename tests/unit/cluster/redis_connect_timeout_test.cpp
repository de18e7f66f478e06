// A Redis whose TCP connect never completes (a host that drops SYNs, a firewall) must not
// leave a node connecting forever: hiredis 0.14 has no connect timeout, so RedisHistory's
// watchdog drops a connection still coming up after its timeout, and tries again.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "herald/cluster/redis_history.hpp"
#include "redis_server.hpp"

namespace herald::cluster {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A non-blocking connect to a loopback port, started (the socket, or -1).
int start_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

// Whether the connect on `fd` completes (or fails) within `wait`.
bool connect_ends(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) == 1;
}

// A loopback port where TCP connects never complete: a listener with listen(fd, 0) that
// never accepts, its one accept-queue slot taken by a connection of ours. Linux drops the
// SYNs of any further connect while the queue is full, so the connect stays in progress.
class SilentPort {
 public:
  SilentPort() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    filler_ = start_connect(port_);
  }
  ~SilentPort() { close(); }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;

  int port() const { return port_; }
  // Whether the queue is full and a connect started now hangs: otherwise the test would
  // time out a command (SELECT) instead of a connect.
  bool swallows_connects() const {
    if (!connect_ends(filler_, 2s)) return false;  // the filler must hold the slot
    const int probe = start_connect(port_);
    const bool hangs = !connect_ends(probe, 500ms);
    ::close(probe);
    return hangs;
  }
  // Frees the port (for a Redis to take).
  void close() {
    if (filler_ >= 0) ::close(filler_);
    if (listener_ >= 0) ::close(listener_);
    filler_ = listener_ = -1;
  }

 private:
  int listener_ = -1;
  int filler_ = -1;
  int port_ = 0;
};

TEST(RedisHistory, AConnectThatNeverCompletesTimesOutAndIsTriedAgain) {
  SilentPort silent;
  ASSERT_TRUE(silent.swallows_connects()) << "a full accept queue no longer drops SYNs here";
  std::string error;
  RedisOptions options;
  options.address = *parse_redis_url("redis://127.0.0.1:" + std::to_string(silent.port()), error);
  options.command_timeout = 300ms;
  options.max_backoff = 200ms;
  RedisHistory history(options);
  history.deliver_to([](const hub::UpdatePtr&) {}, [] {});

  // The stream reader's allowance is the command timeout plus its XREAD's block (2 s); the
  // kernel alone would retry the SYN for about two minutes.
  const std::string timed_out = "unreachable: no answer from Redis in 300 ms";
  const auto deadline = Clock::now() + 10s;
  hub::History::Availability now = history.availability();
  while (now.reason.find(timed_out) == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    now = history.availability();
  }
  EXPECT_NE(now.reason.find(timed_out), std::string::npos) << now.reason;
  EXPECT_FALSE(now.appends);
  EXPECT_FALSE(now.subscribes);
  EXPECT_FALSE(history.stats().commands_connected);

  // It keeps trying: once a Redis answers on that port, the node comes up.
  const int port = silent.port();
  silent.close();
  testing::RedisServer redis(port);
  const auto up_by = Clock::now() + 10s;
  while (!history.availability().appends && Clock::now() < up_by)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(history.availability().appends) << history.availability().reason;
  EXPECT_TRUE(history.stats().tail_connected);
}

}  // namespace
}  // namespace herald::cluster
