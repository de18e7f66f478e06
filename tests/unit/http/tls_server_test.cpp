// The server's TLS listener on a real loopback socket, with a certificate made at test
// time by our own generator, driven by a blocking OpenSSL client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

#include "herald/http/self_signed_certificate.hpp"
#include "herald/http/server.hpp"

namespace herald::http {
namespace {

using namespace std::chrono_literals;

int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{0, 100 * 1000};  // reads return every 100 ms so loops stay bounded
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

struct ClientSettings {
  std::string alpn = std::string("\x08http/1.1", 9);  // ALPN wire format; empty: none
  int max_version = 0;                                // 0: the newest
};

// A blocking TLS client that trusts `ca_file` and checks the name "localhost".
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& ca_file, ClientSettings settings = {}) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (settings.max_version != 0) {
      SSL_CTX_set_min_proto_version(ctx_, 0);
      SSL_CTX_set_security_level(ctx_, 0);  // let this client offer TLS 1.1 at all
      SSL_CTX_set_max_proto_version(ctx_, settings.max_version);
    }
    if (!settings.alpn.empty()) {
      SSL_CTX_set_alpn_protos(ctx_, reinterpret_cast<const unsigned char*>(settings.alpn.data()),
                              static_cast<unsigned>(settings.alpn.size()));
    }
    fd_ = connect_loopback(port);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Bounded by the socket's read timeout, retried for at most 5 s.
  bool handshake() {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      ERR_clear_error();
      int r = SSL_connect(ssl_);
      if (r == 1) return true;
      int err = SSL_get_error(ssl_, r);
      if (err != SSL_ERROR_WANT_READ && !(err == SSL_ERROR_SYSCALL && errno == EAGAIN)) {
        unsigned long e = ERR_get_error();
        const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
        error_ = reason != nullptr ? reason : "error " + std::to_string(err);
        return false;
      }
    }
    error_ = "handshake timed out";
    return false;
  }
  const std::string& error() const { return error_; }
  std::string alpn() const {
    const unsigned char* p = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl_, &p, &len);
    return std::string(reinterpret_cast<const char*>(p), len);
  }
  std::string version() const { return SSL_get_version(ssl_); }
  // The subject of the certificate the server presented.
  std::string peer_subject() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return {};
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    X509_free(cert);
    return buf;
  }
  std::string peer_serial() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return {};
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(bn);
    std::string out = hex;
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(cert);
    return out;
  }
  void send(std::string_view bytes) {
    std::size_t written = 0;
    ASSERT_EQ(SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written), 1);
  }
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos && !eof_ &&
           std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      std::size_t n = 0;
      ERR_clear_error();
      if (SSL_read_ex(ssl_, buf, sizeof buf, &n) == 1) {
        received_.append(buf, n);
        continue;
      }
      int err = SSL_get_error(ssl_, 0);
      if (err == SSL_ERROR_WANT_READ || (err == SSL_ERROR_SYSCALL && errno == EAGAIN)) continue;
      eof_ = true;
    }
    return received_;
  }
  bool wait_eof(std::chrono::milliseconds timeout = 5s) {
    read_until("\x01\x02 never", timeout);
    return eof_;
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool eof_ = false;
  std::string received_;
  std::string error_;
};

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

struct TlsFixture : ::testing::Test {
  SelfSignedCertificate cert = create_self_signed_certificate();
  std::unique_ptr<Server> server;
  std::mutex mutex;
  std::shared_ptr<StreamSink> stream;
  std::vector<std::shared_ptr<LateResponse>> lates;  // /late's, in order: the test answers

  ServerOptions options() {
    ServerOptions o;
    o.port = 0;
    o.threads = 1;
    o.tls.emplace();
    o.tls->port = 0;
    o.tls->cert_file = cert.cert_file;
    o.tls->key_file = cert.key_file;
    return o;
  }
  void start(ServerOptions o) {
    server = std::make_unique<Server>(o, [this](const Request& r, Exchange& e) {
      if (r.path() == "/stream") {
        auto sink = e.open_stream("text/event-stream", {});
        std::lock_guard lock(mutex);
        stream = sink;
        return;
      }
      if (r.path() == "/late") {
        auto late = e.respond_later();
        std::lock_guard lock(mutex);
        lates.push_back(std::move(late));
        return;
      }
      e.respond(Response::text(200, "hello " + r.target + " " + r.body));
    });
    server->bind();
    server->start();
  }
  void TearDown() override {
    if (server) {
      server->stop();
      server->wait();
    }
    remove_self_signed_certificate(cert);
  }
  std::shared_ptr<LateResponse> wait_late(std::size_t index) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (lates.size() > index) return lates[index];
      }
      std::this_thread::sleep_for(10ms);
    }
    return nullptr;
  }
  std::shared_ptr<StreamSink> wait_stream() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (stream) return stream;
      }
      std::this_thread::sleep_for(10ms);
    }
    return nullptr;
  }
  void on_shard(std::function<void()> fn) {
    std::atomic<bool> done{false};
    boost::asio::post(server->context(0), [&] {
      fn();
      done = true;
    });
    for (int i = 0; i < 500 && !done; ++i)
      std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(done);
  }
  void send_event(std::string_view data) {
    auto sink = wait_stream();
    ASSERT_TRUE(sink);
    on_shard([&] {
      sink->write({nullptr, data});
      sink->flush();
    });
  }
};

TEST_F(TlsFixture, AnswersOverTlsWithHttp11AndOverPlainTcpAtOnce) {
  start(options());
  ASSERT_NE(server->tls_port(), 0);
  ASSERT_NE(server->tls_port(), server->port());
  TlsClient c(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(c.handshake()) << c.error();
  EXPECT_EQ(c.alpn(), "http/1.1");
  EXPECT_EQ(c.version(), "TLSv1.3");
  c.send("POST /over-tls HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nbody");
  std::string got = c.read_until("body");
  EXPECT_NE(got.find("200 OK"), std::string::npos) << got;
  EXPECT_NE(got.find("hello /over-tls body"), std::string::npos) << got;
  // Keep-alive: a second request on the same TLS connection.
  c.send("GET /again HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_NE(c.read_until("hello /again").find("hello /again"), std::string::npos);
  EXPECT_TRUE(c.wait_eof());

  // The plain listener of the same server.
  int fd = connect_loopback(server->port());
  ASSERT_GE(fd, 0);
  std::string_view request = "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string plain;
  for (int i = 0; i < 50 && plain.find("hello /plain") == std::string::npos; ++i) {
    char buf[1024];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n > 0) plain.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(plain.find("hello /plain"), std::string::npos) << plain;
}

TEST_F(TlsFixture, AnswersPipelinedRequestsAndExpectContinueOverTls) {
  start(options());
  TlsClient c(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(c.handshake()) << c.error();
  // Two requests in one TLS record: read with one SSL_read, answered in order.
  c.send(
      "GET /one HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /two HTTP/1.1\r\nHost: localhost\r\n\r\n");
  std::string got = c.read_until("hello /two");
  ASSERT_NE(got.find("hello /one"), std::string::npos) << got;
  EXPECT_LT(got.find("hello /one"), got.find("hello /two"));
  c.send(
      "POST /continued HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
      "Content-Length: 4\r\n\r\n");
  EXPECT_NE(c.read_until("100 Continue").find("HTTP/1.1 100 Continue\r\n\r\n"), std::string::npos);
  c.send("body");
  EXPECT_NE(c.read_until("hello /continued body").find("hello /continued body"), std::string::npos);
}

TEST_F(TlsFixture, AcceptsAClientWithoutAlpnAndTls12) {
  start(options());
  TlsClient c(server->tls_port(), cert.cert_file, {.alpn = "", .max_version = TLS1_2_VERSION});
  ASSERT_TRUE(c.handshake()) << c.error();
  EXPECT_EQ(c.version(), "TLSv1.2");
  EXPECT_EQ(c.alpn(), "");
  c.send("GET /tls12 HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(c.read_until("hello /tls12").find("hello /tls12"), std::string::npos);
}

TEST_F(TlsFixture, StreamsOverTlsAndNoticesTheClientLeaving) {
  start(options());
  {
    TlsClient c(server->tls_port(), cert.cert_file);
    ASSERT_TRUE(c.handshake()) << c.error();
    c.send("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
    std::string head = c.read_until("\r\n\r\n");
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
    send_event("data: one\n\n");
    send_event("data: two\n\n");
    std::string got = c.read_until("data: two\n\n");
    EXPECT_NE(got.find("data: one\n\n"), std::string::npos) << got;
    EXPECT_NE(got.find("data: two\n\n"), std::string::npos) << got;
    // A burst larger than one TLS record (16 KiB) arrives whole.
    std::string big(100 * 1024, 'x');
    big += "\n\n";
    send_event(big);
    EXPECT_NE(c.read_until(std::string(1000, 'x') + "\n\n", 10s).find(big), std::string::npos);
  }
  auto sink = wait_stream();
  for (int i = 0; i < 300 && !sink->closed(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(sink->closed());
}

TEST_F(TlsFixture, CutsAStreamWhoseReaderStopped) {
  ServerOptions o = options();
  o.write_timeout = 500ms;
  start(o);
  TlsClient c(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(c.handshake()) << c.error();
  c.send("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
  c.read_until("\r\n\r\n");
  auto sink = wait_stream();
  ASSERT_TRUE(sink);
  auto event = std::make_shared<std::string>(1024 * 1024, 'x');
  on_shard([&] {
    for (int i = 0; i < 32; ++i)  // 32 MiB queued; the client reads no more
      sink->write({event, *event});
    sink->flush();
  });
  // The write-stall check asks the TCP socket under TLS what the peer acknowledged.
  bool closed = false;
  for (int i = 0; i < 400 && !closed; ++i) {
    std::this_thread::sleep_for(10ms);
    on_shard([&] { closed = sink->closed(); });
  }
  EXPECT_TRUE(closed);
}

TEST_F(TlsFixture, CutsAClientThatNeverHandshakesAtTheHeaderTimeout) {
  ServerOptions o = options();
  o.header_timeout = 300ms;
  start(o);
  int fd = connect_loopback(server->tls_port());
  ASSERT_GE(fd, 0);
  bool eof = false;
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!eof && std::chrono::steady_clock::now() < deadline) {
    char buf[64];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    eof = n == 0 || (n < 0 && errno != EAGAIN);
  }
  ::close(fd);
  EXPECT_TRUE(eof);
  EXPECT_EQ(server->tls_handshake_failures(), 1u);
  // Counted down just after the socket closed.
  for (int i = 0; i < 300 && server->connections() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->connections(), 0u);
}

TEST_F(TlsFixture, ChoosesH2WhenOfferedAndSpeaksHttp2) {
  start(options());
  TlsClient c(server->tls_port(), cert.cert_file, {.alpn = std::string("\x08http/1.1\x02h2", 12)});
  ASSERT_TRUE(c.handshake()) << c.error();
  EXPECT_EQ(c.alpn(), "h2");  // ours first, whatever the client's order
  c.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9));
  std::string got = c.read_until("\x01\x02 never", 1s);
  ASSERT_GE(got.size(), 9u);
  EXPECT_EQ(got[3], 4);  // the server's SETTINGS frame
}

TEST_F(TlsFixture, RefusesAlpnWithoutHttp11WhenHttp2IsOff) {
  ServerOptions o = options();
  o.h2_max_streams = 0;
  start(o);
  TlsClient c(server->tls_port(), cert.cert_file, {.alpn = std::string("\x02h2", 3)});
  EXPECT_FALSE(c.handshake());
  EXPECT_NE(c.error().find("no application protocol"), std::string::npos) << c.error();
  for (int i = 0; i < 300 && server->tls_handshake_failures() == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->tls_handshake_failures(), 1u);
}

TEST_F(TlsFixture, RefusesTls11) {
  start(options());
  TlsClient c(server->tls_port(), cert.cert_file, {.max_version = TLS1_1_VERSION});
  EXPECT_FALSE(c.handshake());
}

TEST_F(TlsFixture, ReloadServesTheNewCertificateAndKeepsOpenStreams) {
  start(options());
  TlsClient before(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(before.handshake()) << before.error();
  before.send("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
  before.read_until("\r\n\r\n");
  send_event("data: before\n\n");
  ASSERT_NE(before.read_until("data: before").find("data: before"), std::string::npos);

  SelfSignedCertificate next = create_self_signed_certificate();
  copy_file(next.cert_file, cert.cert_file);
  copy_file(next.key_file, cert.key_file);
  remove_self_signed_certificate(next);
  EXPECT_NE(server->reload_tls().find("CN=localhost"), std::string::npos);

  send_event("data: after\n\n");
  EXPECT_NE(before.read_until("data: after").find("data: after"), std::string::npos);
  TlsClient after(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(after.handshake()) << after.error();
  EXPECT_NE(after.peer_serial(), before.peer_serial());
}

TEST_F(TlsFixture, AFailedReloadKeepsTheOldCertificate) {
  start(options());
  TlsClient before(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(before.handshake()) << before.error();
  std::string serial = before.peer_serial();
  std::string pem;
  {
    std::ifstream in(cert.cert_file);
    pem.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(cert.cert_file, std::ios::trunc) << "not a certificate\n";
  try {
    server->reload_tls();
    ADD_FAILURE() << "the reload of a broken file succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(cert.cert_file), std::string::npos) << e.what();
  }
  std::ofstream(cert.cert_file, std::ios::trunc) << pem;  // clients verify against it
  TlsClient after(server->tls_port(), cert.cert_file);
  ASSERT_TRUE(after.handshake()) << after.error();
  EXPECT_EQ(after.peer_serial(), serial);
}

TEST_F(TlsFixture, NamesTheFileThatCannotBeUsed) {
  auto error_of = [&](ServerOptions o) -> std::string {
    try {
      Server s(o, [](const Request&, Exchange& e) { e.respond(Response::text(200, "")); });
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  };
  ServerOptions missing = options();
  missing.tls->cert_file = cert.dir + "/missing.pem";
  EXPECT_NE(error_of(missing).find("missing.pem: No such file"), std::string::npos)
      << error_of(missing);

  SelfSignedCertificate other = create_self_signed_certificate();
  ServerOptions mismatch = options();
  mismatch.tls->key_file = other.key_file;
  EXPECT_NE(error_of(mismatch).find("does not match"), std::string::npos) << error_of(mismatch);

  ServerOptions key_as_cert = options();
  key_as_cert.tls->cert_file = other.key_file;
  EXPECT_NE(error_of(key_as_cert).find(other.key_file), std::string::npos) << error_of(key_as_cert);
  remove_self_signed_certificate(other);
}

TEST_F(TlsFixture, ALateAnswerOverTlsComesBeforeThePipelinedOneAndALeavingClientIsNoticed) {
  start(options());
  {
    TlsClient c(server->tls_port(), cert.cert_file);
    ASSERT_TRUE(c.handshake()) << c.error();
    c.send(
        "GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n"
        "GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto late = wait_late(0);
    ASSERT_TRUE(late);
    EXPECT_EQ(c.read_until("HTTP/1.1", 200ms), "");
    std::thread([late] { late->respond(Response::text(200, "late one")); }).join();
    const std::string got = c.read_until("hello /after");
    ASSERT_NE(got.find("late one"), std::string::npos) << got;
    EXPECT_LT(got.find("late one"), got.find("hello /after")) << got;
    c.send("GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n");
    ASSERT_TRUE(wait_late(1));
  }
  // Gone while its answer was pending: the connection closes, the answer is dropped.
  for (int i = 0; i < 300 && server->connections() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server->connections(), 0u);
  std::thread([this] { wait_late(1)->respond(Response::text(200, "nobody reads this")); }).join();
}

}  // namespace
}  // namespace herald::http
