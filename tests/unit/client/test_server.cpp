#include "test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "herald/base/strings.hpp"

namespace herald::client::test {

namespace {

// Reads some bytes (TLS or not); <= 0 on close, error or the receive timeout.
long read_some(int fd, SSL* ssl, char* buf, std::size_t size) {
  if (ssl != nullptr) return SSL_read(ssl, buf, static_cast<int>(size));
  return ::recv(fd, buf, size, 0);
}

bool parse_request(const std::string& head, Request& out) {
  const auto line_end = head.find("\r\n");
  const std::string_view line(head.data(), line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(line.substr(0, sp1));
  out.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    const auto end = head.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    const std::string_view h(head.data() + pos, end - pos);
    const auto colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    out.headers.emplace_back(std::string(h.substr(0, colon)),
                             std::string(trim_ows(h.substr(colon + 1))));
    pos = end + 2;
  }
  return true;
}

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

bool Request::has(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return true;
  }
  return false;
}

bool Conn::send(std::string_view bytes) {
  while (!bytes.empty()) {
    long n;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool Conn::send_head(int status, const std::vector<std::string>& header_lines) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
  for (const auto& line : header_lines)
    head += line + "\r\n";
  head += "\r\n";
  return send(head);
}

bool Conn::send_sse_head() {
  return send_head(200, {"Content-Type: text/event-stream", "Cache-Control: no-cache",
                         "Transfer-Encoding: chunked"});
}

bool Conn::send_chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return send(std::string(size) + std::string(data) + "\r\n");
}

bool Conn::wait_peer_close(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (!stopping_->load()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 50)));
    if (ready < 0) return true;
    if (ready == 0 && (ssl_ == nullptr || SSL_pending(ssl_) == 0)) continue;
    if (read_some(fd_, ssl_, buf, sizeof buf) <= 0) return true;
  }
  return false;
}

void Conn::pause(std::chrono::milliseconds ms) const {
  const auto until = std::chrono::steady_clock::now() + ms;
  while (!stopping_->load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min(ms, std::chrono::milliseconds(5)));
  }
}

TestServer::TestServer(Script script, SSL_CTX* tls) : script_(std::move(script)), tls_(tls) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (const int fd : fds_) {
      if (fd >= 0) ::shutdown(fd, SHUT_RDWR);  // wakes blocked reads and writes
    }
  }
  for (auto& t : threads_)
    t.join();
  for (const int fd : fds_)
    ::close(fd);
  ::close(listen_fd_);
}

std::string TestServer::origin() const {
  return std::string(tls_ != nullptr ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<Request> TestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool TestServer::wait_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void TestServer::accept_loop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{5, 0};  // bounds every blocking read of a test
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const std::size_t index = accepted_++;
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, index] { serve(fd, index); });
  }
}

void TestServer::serve(int fd, std::size_t index) {
  SSL* ssl = nullptr;
  if (tls_ != nullptr) {
    ssl = SSL_new(tls_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      ssl = nullptr;
      ::shutdown(fd, SHUT_RDWR);  // the handshake failed: the client saw why
      return;
    }
  }
  std::string in;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  while (head_end == std::string::npos && in.size() < 64 * 1024 && !stopping_.load()) {
    const long n = read_some(fd, ssl, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    head_end = in.find("\r\n\r\n");
  }
  Request request;
  if (head_end != std::string::npos && parse_request(in.substr(0, head_end + 2), request)) {
    request.body = in.substr(head_end + 4);
    const std::string length = request.header("Content-Length");
    const std::size_t want = length.empty() ? 0 : std::stoul(length);
    while (request.body.size() < want && !stopping_.load()) {
      const long n = read_some(fd, ssl, buf, sizeof buf);
      if (n <= 0) break;
      request.body.append(buf, static_cast<std::size_t>(n));
    }
    request.received_at = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    changed_.notify_all();
    Conn conn(fd, ssl, std::move(request), &stopping_);
    script_(conn, index);
  }
  if (ssl != nullptr) SSL_free(ssl);
  ::shutdown(fd, SHUT_RDWR);  // the fd itself is closed by the destructor (no reuse race)
}

}  // namespace herald::client::test
