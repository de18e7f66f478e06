#include "serve_command.hpp"

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <system_error>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/base/log.hpp"
#include "herald/cluster/redis_address.hpp"
#include "herald/http/self_signed_certificate.hpp"
#include "herald/server/hub_server.hpp"

namespace herald::app {

namespace {

// In --dev the demo ticker publishes 50 events a second on one topic: without a per-topic
// bound it would push the chat's history out within minutes.
constexpr std::size_t dev_history_per_topic = 1000;
// Where --tls-self-signed listens when --tls-listen is not given.
constexpr const char* dev_tls_listen = "127.0.0.1:8443";

struct ServeOptions {
  server::Config config;
  std::string heartbeat = "15s";
  std::string write_timeout = "30s";
  std::string cors_origins;
  std::string publish_origins;
  // --jwt-* set both roles; a role's own flag wins.
  std::string jwt_key;
  std::string jwt_alg;
  std::string publisher_jwt_key;
  std::string publisher_jwt_alg;
  std::string subscriber_jwt_key;
  std::string subscriber_jwt_alg;
  // Unset: 0 (no per-topic bound), or dev_history_per_topic with --dev.
  std::optional<std::size_t> history_per_topic;
  // Unset: lmdb:./herald-data, or memory with --dev.
  std::optional<std::string> store;
  std::string sync = "full";
  std::string protocol = "both";
  std::string history_max_age = "0";
  std::string log_format = "text";
  std::string log_level = "info";
  bool tls_self_signed = false;
  // Whether --listen / --tls-listen were given (flag or HERALD_*): --tls-listen alone
  // makes a TLS-only hub, without the default plain listener.
  const CLI::Option* listen_flag = nullptr;
  const CLI::Option* tls_listen_flag = nullptr;
};

// Checks the TLS flags together and settles the listeners; an error message, or empty.
std::string settle_listeners(ServeOptions& o) {
  server::Config& c = o.config;
  const bool has_files = !c.tls_cert.empty() || !c.tls_key.empty();
  if (o.tls_self_signed) {
    if (!c.dev)
      return "--tls-self-signed is for --dev only (in production give --tls-cert and --tls-key)";
    if (has_files)
      return "--tls-self-signed makes its own certificate: leave out --tls-cert and --tls-key";
    if (c.tls_listen.empty()) c.tls_listen = dev_tls_listen;
  } else if (!c.tls_listen.empty()) {
    if (c.tls_cert.empty()) return "--tls-listen needs --tls-cert FILE (PEM certificate chain)";
    if (c.tls_key.empty()) return "--tls-listen needs --tls-key FILE (PEM private key)";
  } else if (has_files) {
    return "--tls-cert and --tls-key need --tls-listen HOST:PORT";
  }
  if (o.tls_listen_flag->count() > 0 && o.listen_flag->count() == 0) c.listen.clear();
  return {};
}

// Settles --store, --sync and --history-max-age; an error message, or empty.
std::string settle_store(ServeOptions& o) {
  server::Config& c = o.config;
  const std::string store = o.store.value_or(c.dev ? "memory" : "lmdb:./herald-data");
  if (store == "memory") {
    c.store = server::Config::Store::memory;
  } else if (store.starts_with("lmdb:") && store.size() > 5) {
    c.store = server::Config::Store::lmdb;
    c.store_dir = store.substr(5);
  } else if (store.starts_with("redis://")) {
    std::string error;
    if (!cluster::parse_redis_url(store, error))
      return "--store " + cluster::redacted_redis_url(store) + ": " + error;
    c.store = server::Config::Store::redis;
    c.redis_url = store;
  } else {
    return "--store: expected memory, lmdb:DIR or redis://HOST:PORT[/DB], got '" + store + "'";
  }
  if (o.sync == "full") {
    c.sync = server::Config::HistorySync::full;
  } else if (o.sync == "batch") {
    c.sync = server::Config::HistorySync::batch;
  } else if (o.sync == "off") {
    c.sync = server::Config::HistorySync::off;
  } else {
    return "--sync: expected full, batch or off, got '" + o.sync + "'";
  }
  auto max_age = parse_duration(o.history_max_age);
  if (!max_age) return "--history-max-age: not a duration: " + o.history_max_age;
  c.history_max_age = std::chrono::ceil<std::chrono::seconds>(*max_age);
  if (c.history_max_age.count() > 0 && c.store == server::Config::Store::memory) {
    return "--history-max-age needs --store lmdb:DIR or redis://HOST:PORT (the memory store "
           "bounds history by count and bytes)";
  }
  if (c.lmdb_map_size < (std::size_t{1} << 20)) {
    return "--lmdb-map-size: at least 1048576 bytes (1 MiB)";
  }
  return {};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

server::JwtRole role(const std::string& key, const std::string& alg, const ServeOptions& o) {
  server::JwtRole r;
  r.key = key.empty() ? o.jwt_key : key;
  r.alg = !alg.empty() ? alg : !o.jwt_alg.empty() ? o.jwt_alg : "HS256";
  return r;
}

int run_serve(ServeOptions& o) {
  if (std::string error = settle_listeners(o); !error.empty()) {
    std::fprintf(stderr, "herald serve: %s\n", error.c_str());
    return 2;
  }
  if (std::string error = settle_store(o); !error.empty()) {
    std::fprintf(stderr, "herald serve: %s\n", error.c_str());
    return 2;
  }
  auto heartbeat = parse_duration(o.heartbeat);
  if (!heartbeat) {
    std::fprintf(stderr, "herald serve: --heartbeat: not a duration: %s\n", o.heartbeat.c_str());
    return 2;
  }
  o.config.heartbeat = *heartbeat;
  auto write_timeout = parse_duration(o.write_timeout);
  if (!write_timeout || write_timeout->count() == 0) {
    std::fprintf(stderr, "herald serve: --write-timeout: not a positive duration: %s\n",
                 o.write_timeout.c_str());
    return 2;
  }
  o.config.write_timeout = *write_timeout;
  o.config.history_per_topic =
      o.history_per_topic.value_or(o.config.dev ? dev_history_per_topic : 0);
  o.config.cors_origins = split_list(o.cors_origins);
  o.config.publish_origins = split_list(o.publish_origins);
  if (o.protocol == "both") {
    o.config.protocol = server::Config::Protocol::both;
  } else if (o.protocol == "1") {
    o.config.protocol = server::Config::Protocol::v1;
  } else if (o.protocol == "0") {
    o.config.protocol = server::Config::Protocol::v0;
  } else {
    std::fprintf(stderr, "herald serve: --protocol: expected both, 1 or 0, got %s\n",
                 o.protocol.c_str());
    return 2;
  }
  o.config.publisher = role(o.publisher_jwt_key, o.publisher_jwt_alg, o);
  o.config.subscriber = role(o.subscriber_jwt_key, o.subscriber_jwt_alg, o);
  log::set_format(o.log_format == "json" ? log::Format::json : log::Format::text);
  log::set_level(o.log_level == "debug"   ? log::Level::debug
                 : o.log_level == "warn"  ? log::Level::warn
                 : o.log_level == "error" ? log::Level::error
                                          : log::Level::info);

  // Signals are taken by this thread alone (sigwait); shard threads inherit the mask.
  // SIGHUP reloads the TLS certificate; SIGINT and SIGTERM stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<http::SelfSignedCertificate> self_signed;
  if (o.tls_self_signed) {
    try {
      self_signed = http::create_self_signed_certificate();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "herald serve: %s\n", e.what());
      return 1;
    }
    o.config.tls_cert = self_signed->cert_file;
    o.config.tls_key = self_signed->key_file;
  }
  // The throwaway certificate goes when the hub does, whichever way it returns.
  struct RemoveSelfSigned {
    const std::optional<http::SelfSignedCertificate>& certificate;
    ~RemoveSelfSigned() {
      if (certificate) http::remove_self_signed_certificate(*certificate);
    }
  } remove_self_signed{self_signed};

  std::unique_ptr<server::HubServer> hub;
  try {
    hub = std::make_unique<server::HubServer>(o.config);
  } catch (const std::exception& e) {
    // A key or certificate that cannot be loaded, a malformed --listen: the configuration
    // is wrong.
    std::fprintf(stderr, "herald serve: %s\n", e.what());
    return 2;
  }
  try {
    hub->start();
  } catch (const std::system_error& e) {
    // A taken port is a configuration mistake like a bad flag: exit 2, naming the port.
    std::fprintf(stderr, "herald serve: %s\n", e.what());
    return e.code() == std::errc::address_in_use ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald serve: cannot start on %s: %s\n", o.config.listen.c_str(),
                 e.what());
    return 1;
  }
  if (!o.config.listen.empty()) std::printf("herald listening on %s\n", hub->url().c_str());
  if (!o.config.tls_listen.empty()) {
    std::printf("herald listening on %s\n", hub->tls_url().c_str());
  }
  if (self_signed) {
    std::printf("herald TLS certificate (self-signed, for --dev): %s (curl --cacert %s)\n",
                self_signed->cert_file.c_str(), self_signed->cert_file.c_str());
  }
  if (!o.config.metrics_listen.empty()) {
    std::printf("herald metrics on %s/metrics\n", hub->metrics_url().c_str());
  }
  std::fflush(stdout);

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP)
    hub->reload_tls();
  log::info("shutting down", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  hub->stop();
  hub->wait();
  log::info("stopped cleanly");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the hub (Mercure protocol over HTTP/1.1 and HTTP/2, plain or TLS)");
  cmd->description(
      "Run the hub: subscribers GET /.well-known/mercure?topic=..., publishers POST there.\n"
      "History (--store) lives in an LMDB directory by default (./herald-data; memory with\n"
      "--dev): a publish is answered 200 once its event is durable (--sync), and a client\n"
      "that reconnects with Last-Event-ID gets what it missed, across restarts and crashes,\n"
      "as long as history still holds it (--history-size, --history-bytes,\n"
      "--history-per-topic, --history-max-age). A client resuming from an id history no\n"
      "longer holds first gets `event: herald-reset` (docs/HUB-CONTRACT.md).\n"
      "With --store redis://HOST:PORT, every hub on that Redis is one hub: publish on any,\n"
      "subscribe and resume on any; /readyz says when a node cannot reach Redis\n"
      "(docs/CLUSTER.md).");
  cmd->footer(
      "Every flag can also be set as an environment variable HERALD_<FLAG>, e.g.\n"
      "HERALD_LISTEN=0.0.0.0:8080. Durations: 15s, 500ms, 2m, or plain seconds.");
  o->listen_flag = flag(*cmd, "listen", o->config.listen,
                        "Address to listen on for HTTP, HOST:PORT (port 0: any free): HTTP/1.1, "
                        "and h2c for clients with prior knowledge. One hub per port: a port "
                        "that is taken is an error (exit 2). Left out when only --tls-listen "
                        "is given");
  o->tls_listen_flag =
      flag(*cmd, "tls-listen", o->config.tls_listen,
           "Address to listen on for HTTPS, HOST:PORT, with --tls-cert and --tls-key (TLS 1.2 "
           "or 1.3, ALPN h2 and http/1.1). With --listen too, one hub serves both ports. SIGHUP "
           "reloads the certificate and key: new connections get them, open ones go on");
  flag(*cmd, "tls-cert", o->config.tls_cert,
       "PEM file of the TLS certificate, followed by its chain (intermediates)");
  flag(*cmd, "tls-key", o->config.tls_key, "PEM file of the TLS certificate's private key");
  cmd->add_flag("--tls-self-signed", o->tls_self_signed,
                "With --dev: make a throwaway self-signed certificate for localhost, 127.0.0.1 "
                "and ::1 (30 days, in a private temporary directory), print its path for "
                "clients (curl --cacert PATH) and serve TLS with it (on --tls-listen, default "
                "127.0.0.1:8443)")
      ->envname("HERALD_TLS_SELF_SIGNED");
  flag(*cmd, "threads", o->config.threads, "Worker shards, one thread each (0: one per core)");
  cmd->add_flag("--dev", o->config.dev,
                "Development mode: anonymous publish and subscribe, the demo ticker and clock")
      ->envname("HERALD_DEV");
  cmd->add_flag("--ui", o->config.ui,
                "Serve the demo pages, the dashboard (/dashboard) and their streams (implied by "
                "--dev)")
      ->envname("HERALD_UI");
  flag(*cmd, "metrics-listen", o->config.metrics_listen,
       "Serve /metrics, /healthz and /readyz on a second listener, HOST:PORT (e.g. "
       "127.0.0.1:9090), away from the public one");
  cmd->add_flag("--metrics-public", o->config.metrics_public,
                "Also serve /metrics on the public listener (implied by --dev)")
      ->envname("HERALD_METRICS_PUBLIC");
  cmd->add_flag("--anonymous", o->config.anonymous,
                "Let subscribers in without a token (they never receive private updates)")
      ->envname("HERALD_ANONYMOUS");
  cmd->add_flag("--subscriptions", o->config.subscriptions,
                "The subscriptions API and subscription events (Mercure active subscriptions)")
      ->envname("HERALD_SUBSCRIPTIONS");
  flag(*cmd, "jwt-key", o->jwt_key,
       "JWT key for publishers and subscribers: the secret, a PEM public key, a JWK Set, or "
       "@FILE");
  flag(*cmd, "jwt-alg", o->jwt_alg, "JWT algorithm for both roles (default HS256)");
  flag(*cmd, "publisher-jwt-key", o->publisher_jwt_key,
       "Publishers' JWT key (overrides --jwt-key)");
  flag(*cmd, "publisher-jwt-alg", o->publisher_jwt_alg,
       "Publishers' JWT algorithm (overrides --jwt-alg)");
  flag(*cmd, "subscriber-jwt-key", o->subscriber_jwt_key,
       "Subscribers' JWT key (overrides --jwt-key)");
  flag(*cmd, "subscriber-jwt-alg", o->subscriber_jwt_alg,
       "Subscribers' JWT algorithm (overrides --jwt-alg)");
  flag(*cmd, "cookie-name", o->config.cookie_name,
       "Cookie that carries a browser's 0.x JWT (Mercure 0.x: mercureAuthorization)");
  flag(*cmd, "protocol", o->protocol,
       "Mercure generations spoken: both (default; each request is served under the rules of "
       "the one it speaks: topic= and mercure-claim tokens are 0.x, match*= and at+jwt tokens "
       "1.0), 1 (the current draft only) or 0 (0.x only)");
  flag(*cmd, "resource", o->config.resource,
       "The hub's resource identifier: the aud every 1.0 access token must name, and the "
       "hub's public URL that relative topics and URL patterns resolve against (default "
       "http://LISTEN/.well-known/mercure; set it to the URL clients use, e.g. "
       "https://hub.example.com/.well-known/mercure)");
  flag(*cmd, "jwt-issuer", o->config.jwt_issuers,
       "Trust 1.0 access tokens from an issuer: \"ISSUER ALG KEY\" (e.g. \"https://auth."
       "example.com EdDSA @issuer.pub.pem\"; KEY as for --jwt-key). Repeat for more issuers "
       "or algorithms; a token is checked only with the keys of its own iss");
  flag(*cmd, "access-cookie-name", o->config.access_cookie_name,
       "Cookie that carries a browser's 1.0 access token");
  flag(*cmd, "publish-origins", o->publish_origins,
       "Origins whose pages may publish with the cookie, comma-separated (* does not let "
       "cookies in: list them)");
  cmd->add_flag("--no-ticker{false}", o->config.demo_ticker,
                "With --dev: do not run the demo ticker publisher (quiet history for tests)")
      ->envname("HERALD_NO_TICKER");
  flag(*cmd, "heartbeat", o->heartbeat,
       "Keep-alive comment on idle streams every DURATION (0: off)");
  flag(*cmd, "write-timeout", o->write_timeout,
       "Cut a connection whose output does not drain for DURATION (a reader that stopped)");
  flag(*cmd, "store", o->store,
       "Where history lives: lmdb:DIR (durable; default lmdb:./herald-data, one hub per "
       "directory), memory (a restart forgets it; the default with --dev), or "
       "redis://[[USER]:PASSWORD@]HOST:PORT[/DB] (a Redis stream that several hubs share: "
       "publish on any, subscribe and resume on any; docs/CLUSTER.md; give a password "
       "through HERALD_STORE to keep it out of the process list)");
  flag(*cmd, "sync", o->sync,
       "What an LMDB publish's 200 promises: full (on disk, fsynced: survives a power loss), "
       "batch (handed to the OS: survives a crash of the hub; fsynced within 100 ms) or off "
       "(handed to the OS, fsynced when it decides). Publishes are committed in groups either "
       "way");
  flag(*cmd, "lmdb-map-size", o->config.lmdb_map_size,
       "Largest size of the LMDB file in bytes; when a commit does not fit, its publishes get "
       "503 and the oldest events are let go of to make room");
  flag(*cmd, "history-size", o->config.history_size, "Events kept for replay");
  flag(*cmd, "history-bytes", o->config.history_bytes, "Bytes kept for replay");
  flag(*cmd, "history-per-topic", o->history_per_topic,
       "Events kept per topic, so one chatty topic cannot evict the others (default: no "
       "bound; 1000 with --dev)");
  flag(*cmd, "history-max-age", o->history_max_age,
       "Let go of events older than DURATION (0: no age bound; LMDB and Redis stores)");
  flag(*cmd, "cors-origins", o->cors_origins,
       "Origins allowed by CORS, comma-separated (echoed, with credentials), or * (any page, "
       "without credentials: cookies need the origin listed)");
  flag(*cmd, "max-connections", o->config.max_connections,
       "Connections held at once (an HTTP/2 connection counts once, whatever its streams); "
       "more get 503");
  flag(*cmd, "h2-max-streams", o->config.h2_max_streams,
       "HTTP/2 streams (subscriptions, requests) at once per connection "
       "(SETTINGS_MAX_CONCURRENT_STREAMS); more are refused (REFUSED_STREAM). 0: HTTP/2 off, "
       "HTTP/1.1 only");
  flag(*cmd, "subscriber-buffer", o->config.subscriber_buffer,
       "Bytes queued for one subscriber before it is cut (it resumes from history)");
  flag(*cmd, "max-body-bytes", o->config.max_body_bytes, "Largest publish body; larger get 413");
  flag(*cmd, "max-header-bytes", o->config.max_header_bytes,
       "Largest request line + headers; larger get 431");
  flag(*cmd, "max-token-bytes", o->config.max_token_bytes, "Largest JWT; larger get 401");
  flag(*cmd, "max-topics", o->config.max_topics_per_request,
       "Topics of one update, and topic selectors of one subscription");
  flag(*cmd, "max-selector-bytes", o->config.max_selector_bytes,
       "Longest topic selector of a subscription; longer get 400");
  flag(*cmd, "max-template-variables", o->config.max_template_variables,
       "Variables of all URI-template selectors of one subscription together ({a,b}{c} has "
       "3); more get 400");
  flag(*cmd, "max-template-bytes", o->config.max_template_bytes,
       "Bytes of all URI-template selectors of one subscription together; more get 400");
  flag(*cmd, "max-form-fields", o->config.max_form_fields,
       "Fields of one publish form or subscribe query string");
  flag(*cmd, "log-format", o->log_format, "Log lines as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  flag(*cmd, "log-level", o->log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd->callback([o] { throw CLI::RuntimeError(run_serve(*o)); });
}

}  // namespace herald::app
