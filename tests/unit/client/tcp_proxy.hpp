#pragma once
// A TCP relay on 127.0.0.1 (port 0) in front of a test server: it counts the client's TCP
// connections (one HTTP/2 connection shared by many sources shows as one), can cut them
// all at once (a connection that dies, not one the server ends), and can be pointed at
// another server for the connections that come next.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace herald::client::test {

class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::size_t accepted() const { return accepted_.load(); }
  // Connections accepted from now on go to this port.
  void retarget(std::uint16_t target_port) { target_port_ = target_port; }
  // Resets every relayed connection, both sides.
  void cut();

 private:
  void accept_loop();
  void relay(int client, int server);

  std::atomic<std::uint16_t> target_port_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace herald::client::test
