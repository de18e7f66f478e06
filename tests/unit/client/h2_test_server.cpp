#include "h2_test_server.hpp"

#include <boost/asio/post.hpp>

namespace herald::client::test {

H2TestServer::H2TestServer(Script script, H2ServerOptions options) : options_(options) {
  http::ServerOptions o;
  o.port = 0;
  o.threads = 1;
  o.h2_max_streams = options.h2_max_streams;
  o.shutdown_grace = std::chrono::milliseconds(500);
  if (options.tls) {
    certificate_ = http::create_self_signed_certificate();
    o.plain = false;
    o.tls = http::TlsOptions{"127.0.0.1", 0, certificate_.cert_file, certificate_.key_file};
  }
  auto count = std::make_shared<std::size_t>(0);
  server_ = std::make_unique<http::Server>(
      o, [this, script = std::move(script), count](const http::Request& r, http::Exchange& e) {
        Request copy{r.method, r.target, {}, r.body, std::chrono::steady_clock::now()};
        for (const auto& h : r.headers)
          copy.headers.emplace_back(h.name, h.value);
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(std::move(copy));
        }
        changed_.notify_all();
        script(*this, r, e, (*count)++);
      });
  server_->bind();
  server_->start();
}

H2TestServer::~H2TestServer() {
  stop();
  for (auto& t : feeders_)
    t.join();
  server_->wait();
  if (options_.tls) http::remove_self_signed_certificate(certificate_);
}

std::uint16_t H2TestServer::port() const {
  return options_.tls ? server_->tls_port() : server_->port();
}

std::string H2TestServer::origin() const {
  return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::vector<Request> H2TestServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool H2TestServer::wait_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void H2TestServer::feed(std::shared_ptr<http::StreamSink> sink, std::vector<std::string> pieces,
                        std::chrono::milliseconds pause, bool reset) {
  std::lock_guard lock(mutex_);
  feeders_.emplace_back([this, sink, pieces = std::move(pieces), pause, reset] {
    auto& shard = server_->context(sink->shard());
    for (const auto& piece : pieces) {
      auto bytes = std::make_shared<const std::string>(piece);
      boost::asio::post(shard, [sink, bytes] {
        sink->write({bytes, *bytes});
        sink->flush();
      });
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
    boost::asio::post(shard, [sink, reset] { reset ? sink->abort() : sink->end(); });
  });
}

void H2TestServer::on_shard(const std::function<void()>& fn) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  boost::asio::post(server_->context(0), [&] {
    fn();
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
}

void H2TestServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->stop();
}

std::shared_ptr<http::StreamSink> open_sse(http::Exchange& exchange) {
  return exchange.open_stream("text/event-stream", {{"Cache-Control", "no-cache"}});
}

}  // namespace herald::client::test
