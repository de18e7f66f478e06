#include "herald/server/hub_server.hpp"

#include <algorithm>
#include <thread>

#include <boost/asio/post.hpp>

#include "context.hpp"
#include "demo_ticker.hpp"
#include "herald/base/log.hpp"
#include "herald/cluster/redis_history.hpp"
#include "herald/store/lmdb_history.hpp"
#include "herald/store/memory_history.hpp"
#include "resource_metadata.hpp"
#include "web_assets.hpp"

namespace herald::server {

namespace {

constexpr std::string_view mercure_path = "/.well-known/mercure";

void split_listen(const std::string& listen, std::string& host, std::uint16_t& port,
                  std::string_view flag = "--listen") {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument(std::string(flag) + " wants HOST:PORT");
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned long p = std::stoul(listen.substr(colon + 1));
  if (p > 65535) throw std::invalid_argument(std::string(flag) + " port out of range");
  port = static_cast<std::uint16_t>(p);
}

// The history --store asks for. Opened after the listeners' keys and certificates were
// loaded, so a configuration mistake there leaves no data directory behind. Throws
// std::runtime_error naming the file when an LMDB directory cannot be used.
std::unique_ptr<hub::History> open_history(const Config& config) {
  const store::HistoryLimits limits{.max_events = config.history_size,
                                    .max_bytes = config.history_bytes,
                                    .max_per_topic = config.history_per_topic};
  if (config.store == Config::Store::memory) {
    log::info("history in memory (a restart forgets it)",
              {{"events", std::to_string(limits.max_events)}});
    return std::make_unique<store::MemoryHistory>(limits);
  }
  if (config.store == Config::Store::redis) {
    std::string error;
    auto address = cluster::parse_redis_url(config.redis_url, error);
    if (!address)
      throw std::runtime_error("--store " + cluster::redacted_redis_url(config.redis_url) + ": " +
                               error);
    // Connects in the background: until it has read the stream, /readyz says why not.
    return std::make_unique<cluster::RedisHistory>(cluster::RedisOptions{
        .address = *address, .limits = limits, .max_age = config.history_max_age});
  }
  store::LmdbOptions options;
  options.directory = config.store_dir;
  options.map_size = config.lmdb_map_size;
  options.sync = config.sync == Config::HistorySync::full    ? store::SyncMode::full
                 : config.sync == Config::HistorySync::batch ? store::SyncMode::batch
                                                             : store::SyncMode::off;
  options.limits = limits;
  options.max_age = config.history_max_age;
  auto history = std::make_unique<store::LmdbHistory>(std::move(options));
  log::info("history in LMDB", {{"dir", config.store_dir},
                                {"held", std::to_string(history->size())},
                                {"newest", history->newest_id().value_or("")}});
  return history;
}

// A late answer gets the CORS headers too, worked out while the request was at hand.
class CorsLateResponse final : public http::LateResponse {
 public:
  CorsLateResponse(std::shared_ptr<http::LateResponse> inner, std::vector<http::Header> headers)
      : inner_(std::move(inner)), headers_(std::move(headers)) {}
  void respond(http::Response response) override {
    response.headers.insert(response.headers.end(), headers_.begin(), headers_.end());
    inner_->respond(std::move(response));
  }

 private:
  std::shared_ptr<http::LateResponse> inner_;
  const std::vector<http::Header> headers_;  // read from any thread, never changed
};

// Adds the CORS headers to whatever the endpoint answers, streams and late answers
// included, so no endpoint can forget them.
class CorsExchange final : public http::Exchange {
 public:
  CorsExchange(Context& ctx, const http::Request& request, http::Exchange& inner)
      : ctx_(ctx), request_(request), inner_(inner) {}
  void respond(http::Response response) override {
    decorate(response.headers);
    inner_.respond(std::move(response));
  }
  std::shared_ptr<http::StreamSink> open_stream(std::string_view content_type,
                                                std::vector<http::Header> headers) override {
    decorate(headers);
    return inner_.open_stream(content_type, std::move(headers));
  }
  std::shared_ptr<http::LateResponse> respond_later() override {
    std::vector<http::Header> headers;
    decorate(headers);
    return std::make_shared<CorsLateResponse>(inner_.respond_later(), std::move(headers));
  }

 private:
  void decorate(std::vector<http::Header>& headers) {
    if (!ctx_.cors.decorate(request_, headers)) ctx_.refused_origins.note(request_);
  }

  Context& ctx_;
  const http::Request& request_;
  http::Exchange& inner_;
};

// The metrics listener (--metrics-listen): metrics and probes, nothing else.
void route_metrics(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  std::string_view path = request.path();
  if (path != "/metrics" && path != "/healthz" && path != "/readyz") {
    return exchange.respond(
        http::Response::text(404, "the metrics listener serves /metrics, /healthz and /readyz"));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return exchange.respond(http::Response::text(405, "use GET"));
  }
  if (path == "/healthz") return exchange.respond(http::Response::text(200, "ok"));
  if (path == "/readyz") return handle_ready(ctx, request, exchange);
  handle_metrics(ctx, request, exchange);
}

void route(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  std::string_view path = request.path();
  const std::string& method = request.method;
  if (method == "OPTIONS") {
    if (!ctx.cors.allows(request.header("Origin"))) ctx.refused_origins.note(request);
    return exchange.respond(ctx.cors.preflight(request));
  }
  if (path == mercure_path) {
    // HEAD answers the stream's head only (lib/http ends such a stream at once). QUERY is
    // a subscribe whose matchers are in a form body (Mercure 1.0).
    if (method == "GET" || method == "HEAD" || method == "QUERY") {
      return handle_subscribe(ctx, request, exchange);
    }
    if (method == "POST") return handle_publish(ctx, request, exchange);
    return exchange.respond(http::Response::text(405, "use GET, QUERY or POST"));
  }
  if (path.starts_with(subscriptions_path) &&
      (path.size() == subscriptions_path.size() || path[subscriptions_path.size()] == '/')) {
    return handle_subscriptions(ctx, request, exchange);
  }
  if (path == resource_metadata_path) return handle_resource_metadata(ctx, request, exchange);
  if (path == "/healthz" || path == "/readyz" ||
      (path == "/metrics" && ctx.serves_public_metrics())) {
    return route_metrics(ctx, request, exchange);
  }
  if (path == "/metrics") {
    return exchange.respond(http::Response::text(
        404, "metrics are not on this listener (--metrics-listen HOST:PORT, or --metrics-public)"));
  }
  if (!ctx.serves_ui()) {
    return exchange.respond(http::Response::text(
        404,
        "not found (the hub is at /.well-known/mercure; the demo pages and the dashboard "
        "are served with --ui or --dev)"));
  }
  if (path == "/dashboard/stream" || path == "/demo/clock") {
    if (method != "GET" && method != "HEAD") {
      return exchange.respond(http::Response::text(405, "use GET"));
    }
    if (path == "/demo/clock") return handle_clock(ctx, request, exchange);
    return handle_dashboard_stream(ctx, request, exchange);
  }
  if (path == "/dashboard") path = "/dashboard.html";
  if (const WebAsset* asset = find_web_asset(path)) {
    if (method != "GET" && method != "HEAD") {
      return exchange.respond(http::Response::text(405, "use GET"));
    }
    http::Response r;
    r.content_type = asset->content_type;
    r.body.assign(asset->data, asset->size);
    r.headers.push_back({"Cache-Control", "no-cache"});
    return exchange.respond(std::move(r));
  }
  exchange.respond(http::Response::text(404, "not found"));
}

// Computes the hub URL and its reserved path once, for every subscribe and publish after.
void adopt_hub_url(Context& ctx) {
  ctx.hub_url = ctx.config.hub_url();
  ctx.reserved_path.emplace(ctx.hub_url);
}

// A hub nobody can use is a configuration mistake worth a line in the log.
void warn_about_access(const Context& ctx) {
  if (ctx.config.dev) return;
  if (!ctx.auth->has_key(Role::publisher)) {
    log::warn(
        "no publisher key: publishing is refused (--publisher-jwt-key, --jwt-key, --jwt-issuer "
        "or --dev)");
  }
  if (!ctx.auth->has_key(Role::subscriber) && !ctx.config.anonymous) {
    log::warn(
        "no subscriber key and not --anonymous: subscribing is refused (--subscriber-jwt-key, "
        "--jwt-key, --jwt-issuer or --anonymous)");
  }
}

}  // namespace

// Destroyed bottom-up: the expiry timers before the io_contexts they use; the registry
// after the HTTP server, whose streams' close callbacks reach it.
struct HubServer::Impl {
  Context ctx;
  Metrics metrics;
  std::unique_ptr<SubscriptionRegistry> subscriptions;
  std::unique_ptr<http::Server> http;
  std::unique_ptr<http::Server> metrics_http;  // --metrics-listen
  std::unique_ptr<hub::Hub> hub;
  std::vector<std::unique_ptr<TokenExpiry>> expiry;
};

HubServer::HubServer(Config config) : impl_(std::make_unique<Impl>()) {
  Context& ctx = impl_->ctx;
  ctx.config = std::move(config);
  // --dev lets a page on any origin in, unless the origins were listed on purpose.
  ctx.cors = Cors(ctx.config.cors_origins,
                  /*allow_any=*/ctx.config.dev && ctx.config.cors_origins.empty());
  ctx.metrics = &impl_->metrics;
  ctx.auth = std::make_unique<AuthGate>(ctx.config);  // throws on a bad key
  adopt_hub_url(ctx);

  http::ServerOptions options;
  options.plain = !ctx.config.listen.empty();
  if (options.plain) split_listen(ctx.config.listen, options.host, options.port);
  if (!ctx.config.tls_listen.empty()) {
    http::TlsOptions& tls = options.tls.emplace();
    split_listen(ctx.config.tls_listen, tls.host, tls.port, "--tls-listen");
    tls.cert_file = ctx.config.tls_cert;
    tls.key_file = ctx.config.tls_key;
  }
  if (!options.plain && !options.tls) {
    throw std::invalid_argument("nothing to listen on: give --listen or --tls-listen");
  }
  options.threads = ctx.config.threads != 0 ? ctx.config.threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  options.max_connections = ctx.config.max_connections;
  options.h2_max_streams = ctx.config.h2_max_streams;
  options.max_body_bytes = ctx.config.max_body_bytes;
  options.max_header_bytes = ctx.config.max_header_bytes;
  options.keepalive_interval = ctx.config.heartbeat;
  options.write_timeout = ctx.config.write_timeout;
  impl_->http =
      std::make_unique<http::Server>(options, [&ctx](const http::Request& r, http::Exchange& e) {
        CorsExchange with_cors(ctx, r, e);
        route(ctx, r, with_cors);
      });
  ctx.http = impl_->http.get();
  if (!ctx.config.metrics_listen.empty()) {
    http::ServerOptions metrics_options;
    split_listen(ctx.config.metrics_listen, metrics_options.host, metrics_options.port);
    metrics_options.threads = 1;
    metrics_options.max_connections = 64;
    metrics_options.keepalive_interval = std::chrono::milliseconds(0);
    impl_->metrics_http = std::make_unique<http::Server>(
        metrics_options,
        [&ctx](const http::Request& r, http::Exchange& e) { route_metrics(ctx, r, e); });
  }

  std::vector<hub::ShardPost> posts;
  for (std::size_t i = 0; i < impl_->http->shard_count(); ++i) {
    posts.push_back([&io = impl_->http->context(i)](std::function<void()> fn) {
      boost::asio::post(io, std::move(fn));
    });
  }
  std::unique_ptr<hub::History> history = open_history(ctx.config);
  ctx.cluster = dynamic_cast<cluster::RedisHistory*>(history.get());
  impl_->hub = std::make_unique<hub::Hub>(std::move(history), std::move(posts));
  ctx.hub = impl_->hub.get();
  if (ctx.config.subscriptions) {
    impl_->subscriptions = std::make_unique<SubscriptionRegistry>(*impl_->hub, ctx.cluster);
    ctx.subscriptions = impl_->subscriptions.get();
  }
  for (std::size_t i = 0; i < impl_->http->shard_count(); ++i) {
    impl_->expiry.push_back(
        std::make_unique<TokenExpiry>(impl_->http->context(i), ctx.config.expired_token_retry));
    ctx.expiry.push_back(impl_->expiry.back().get());
  }
  warn_about_access(ctx);
}

HubServer::~HubServer() {
  stop();
  wait();
}

void HubServer::start() {
  impl_->http->bind();
  if (impl_->metrics_http) impl_->metrics_http->bind();
  Context& ctx = impl_->ctx;
  if (ctx.config.resource.empty()) {
    // The default resource identifier and hub URL name the port actually bound (with
    // --listen HOST:0, the one the OS chose), so relative topics resolve against it. The
    // gate, the hub URL and the reserved path copied them: they are made again (the gate's
    // keys were checked in the constructor).
    ctx.config.resource = url() + "/.well-known/mercure";
    ctx.auth = std::make_unique<AuthGate>(ctx.config);
    adopt_hub_url(ctx);
  }
  if (impl_->ctx.config.dev && impl_->ctx.config.demo_ticker)
    start_demo_ticker(impl_->http->context(0), *impl_->hub);
  impl_->http->start();
  if (impl_->metrics_http) impl_->metrics_http->start();
  if (!tls_url().empty()) {
    log::info("TLS listener", {{"url", tls_url()},
                               {"cert", impl_->ctx.config.tls_cert},
                               {"subject", impl_->http->tls_subject()}});
  }
  log::info("herald started", {{"url", url()},
                               {"metrics", metrics_url().empty() ? "off" : metrics_url()},
                               {"threads", std::to_string(impl_->http->shard_count())},
                               {"dev", impl_->ctx.config.dev ? "yes" : "no"}});
}

namespace {
std::string url_of(std::string_view scheme, std::string host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(scheme) + "://" + host + ":" + std::to_string(port);
}
std::string url_of(const http::Server& server) {
  return url_of("http", server.host(), server.port());
}
}  // namespace

std::string HubServer::url() const {
  if (impl_->ctx.config.listen.empty()) return tls_url();
  return url_of(*impl_->http);
}

std::string HubServer::tls_url() const {
  const auto& tls = impl_->http->options().tls;
  if (!tls) return {};
  return url_of("https", tls->host, impl_->http->tls_port());
}

bool HubServer::reload_tls() {
  if (impl_->ctx.config.tls_listen.empty()) {
    log::info("SIGHUP: no TLS listener, nothing to reload");
    return true;
  }
  try {
    std::string subject = impl_->http->reload_tls();
    log::info("TLS certificate reloaded: new handshakes use it",
              {{"cert", impl_->ctx.config.tls_cert}, {"subject", subject}});
    return true;
  } catch (const std::exception& e) {
    log::error("TLS certificate reload failed: the previous certificate stays in use",
               {{"error", e.what()}});
    return false;
  }
}

std::string HubServer::metrics_url() const {
  if (impl_->metrics_http) return url_of(*impl_->metrics_http);
  return impl_->ctx.serves_public_metrics() ? url() : std::string();
}

void HubServer::stop() {
  impl_->http->stop();
  if (impl_->metrics_http) impl_->metrics_http->stop();
}

void HubServer::wait() {
  impl_->http->wait();
  if (impl_->metrics_http) impl_->metrics_http->wait();
}

}  // namespace herald::server
