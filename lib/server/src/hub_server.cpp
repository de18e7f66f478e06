#include "herald/server/hub_server.hpp"

#include <algorithm>
#include <thread>

#include <boost/asio/post.hpp>

#include "context.hpp"
#include "demo_ticker.hpp"
#include "herald/base/log.hpp"
#include "herald/store/memory_history.hpp"
#include "web_assets.hpp"

namespace herald::server {

namespace {

constexpr std::string_view mercure_path = "/.well-known/mercure";

void split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen wants HOST:PORT");
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned long p = std::stoul(listen.substr(colon + 1));
  if (p > 65535) throw std::invalid_argument("--listen port out of range");
  port = static_cast<std::uint16_t>(p);
}

void route(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  std::string_view path = request.path();
  const std::string& method = request.method;
  if (method == "OPTIONS") return exchange.respond(ctx.cors.preflight(request));
  if (path == mercure_path) {
    if (method == "GET") return handle_subscribe(ctx, request, exchange);
    if (method == "POST") return handle_publish(ctx, request, exchange);
    return exchange.respond(error_response(ctx, request, 405, "use GET or POST"));
  }
  if (path == "/healthz") {
    if (method != "GET" && method != "HEAD") {
      return exchange.respond(error_response(ctx, request, 405, "use GET"));
    }
    return exchange.respond(http::Response::text(200, "ok"));
  }
  if (path == "/demo/clock" && ctx.config.dev) {
    if (method != "GET") return exchange.respond(error_response(ctx, request, 405, "use GET"));
    return handle_clock(ctx, request, exchange);
  }
  if (const WebAsset* asset = find_web_asset(path)) {
    if (method != "GET" && method != "HEAD") {
      return exchange.respond(error_response(ctx, request, 405, "use GET"));
    }
    http::Response r;
    r.content_type = asset->content_type;
    r.body.assign(asset->data, asset->size);
    r.headers.push_back({"Cache-Control", "no-cache"});
    return exchange.respond(std::move(r));
  }
  exchange.respond(error_response(ctx, request, 404, "not found"));
}

}  // namespace

http::Response error_response(const Context& ctx, const http::Request& request, int status,
                              std::string_view message) {
  http::Response r = http::Response::text(status, message);
  ctx.cors.decorate(request, r.headers);
  return r;
}

struct HubServer::Impl {
  Context ctx;
  std::unique_ptr<http::Server> http;
  std::unique_ptr<hub::Hub> hub;
};

HubServer::HubServer(Config config) : impl_(std::make_unique<Impl>()) {
  Context& ctx = impl_->ctx;
  ctx.config = std::move(config);
  ctx.cors = Cors(ctx.config.cors_origins);

  http::ServerOptions options;
  split_listen(ctx.config.listen, options.host, options.port);
  options.threads = ctx.config.threads != 0 ? ctx.config.threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  options.max_connections = ctx.config.max_connections;
  options.max_body_bytes = ctx.config.max_body_bytes;
  options.keepalive_interval = ctx.config.heartbeat;
  impl_->http = std::make_unique<http::Server>(
      options, [&ctx](const http::Request& r, http::Exchange& e) { route(ctx, r, e); });
  ctx.http = impl_->http.get();

  std::vector<hub::ShardPost> posts;
  for (std::size_t i = 0; i < impl_->http->shard_count(); ++i) {
    posts.push_back([&io = impl_->http->context(i)](std::function<void()> fn) {
      boost::asio::post(io, std::move(fn));
    });
  }
  impl_->hub = std::make_unique<hub::Hub>(
      std::make_unique<store::MemoryHistory>(ctx.config.history_size, ctx.config.history_bytes),
      std::move(posts));
  ctx.hub = impl_->hub.get();
}

HubServer::~HubServer() {
  stop();
  wait();
}

void HubServer::start() {
  impl_->http->bind();
  if (impl_->ctx.config.dev) start_demo_ticker(impl_->http->context(0), *impl_->hub);
  impl_->http->start();
  log::info("herald started", {{"url", url()},
                               {"threads", std::to_string(impl_->http->shard_count())},
                               {"dev", impl_->ctx.config.dev ? "yes" : "no"}});
}

std::string HubServer::url() const {
  std::string host = impl_->http->host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->http->port());
}

void HubServer::stop() { impl_->http->stop(); }

void HubServer::wait() { impl_->http->wait(); }

}  // namespace herald::server
