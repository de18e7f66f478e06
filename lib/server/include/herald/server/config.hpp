#pragma once
// Everything `herald serve` can be told, with the defaults documented in --help.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::server {

// The keys one role (publisher or subscriber) trusts. `key` is a lib/auth key spec: the
// key text, or "@PATH" (see load_verification_keys); empty: the role has no key, so no
// token of that role verifies.
struct JwtRole {
  std::string key;
  std::string alg = "HS256";
};

struct Config {
  // The plain HTTP listener, HOST:PORT; empty: none (a TLS-only hub).
  std::string listen = "127.0.0.1:8080";
  // The TLS listener, HOST:PORT (empty: none), with its PEM certificate (chain) and key.
  std::string tls_listen;
  std::string tls_cert;
  std::string tls_key;
  // A second listener for /metrics, /healthz and /readyz only (empty: none), so metrics
  // can stay off the public port.
  std::string metrics_listen;
  // Also serve /metrics on the public listener (implied by dev).
  bool metrics_public = false;
  // Serve the demo pages, the dashboard and their streams (implied by dev).
  bool ui = false;
  std::size_t threads = 0;  // 0: one per core
  // Anonymous publish and subscribe (implies `anonymous`), the demo ticker and clock.
  bool dev = false;
  bool demo_ticker = true;  // with dev: publish the demo's stock prices
  // Subscribers without a token may subscribe (they never receive private updates).
  bool anonymous = false;
  // The subscriptions API and subscription events.
  bool subscriptions = false;
  JwtRole publisher;
  JwtRole subscriber;
  // The cookie a browser carries its token in (EventSource cannot set headers).
  std::string cookie_name = "mercureAuthorization";
  // Which Mercure generations the hub speaks (--protocol): both at once (the default: each
  // request is served under the rules of the generation it speaks), only 1.0, only 0.x.
  enum class Protocol { both, v1, v0 };
  Protocol protocol = Protocol::both;
  // The hub's resource identifier (--resource): the `aud` every 1.0 access token must name,
  // and the hub's URL, against which relative topics and URL patterns resolve. Empty:
  // http://LISTEN/.well-known/mercure (see hub_url()).
  std::string resource;
  // Issuers whose 1.0 access tokens the hub trusts, each bound to its keys (--jwt-issuer
  // "ISSUER ALG KEY", repeatable; KEY as for --jwt-key).
  std::vector<std::string> jwt_issuers;
  // The cookie a browser carries a 1.0 access token in (the draft's "Cookie").
  std::string access_cookie_name = "__Secure-mercure_access_token";
  // Origins whose pages may publish with the cookie (CSRF); "*" for any.
  std::vector<std::string> publish_origins;
  std::chrono::milliseconds heartbeat{15000};
  // A connection whose output does not drain for this long is cut (stalled readers).
  std::chrono::milliseconds write_timeout{30000};
  // Where history lives (--store): in memory (a restart forgets it), in an LMDB
  // directory (durable: a publish is answered once its event is on disk, see HistorySync),
  // or in a Redis stream shared by several hubs (lib/cluster, docs/CLUSTER.md).
  enum class Store { memory, lmdb, redis };
  Store store = Store::memory;
  std::string store_dir;                             // with Store::lmdb
  std::string redis_url;                             // with Store::redis: redis://HOST:PORT/DB
  std::size_t lmdb_map_size = std::size_t{1} << 30;  // the most the LMDB file may grow to
  // What an LMDB publish's 200 promises (--sync): full: fsynced (survives a power loss);
  // batch: written to the OS (survives a crash of the hub), fsynced within 100 ms; off:
  // written to the OS, fsynced when the OS decides.
  enum class HistorySync { full, batch, off };
  HistorySync sync = HistorySync::full;
  std::size_t history_size = 10000;
  std::size_t history_bytes = 64 * 1024 * 1024;
  // Updates kept per topic (0: no per-topic bound), so one chatty topic cannot evict the
  // others' history.
  std::size_t history_per_topic = 0;
  // Updates older than this are let go of (0: no age bound). LMDB only.
  std::chrono::seconds history_max_age{0};
  std::vector<std::string> cors_origins;  // exact origins, or "*"; dev allows any
  std::size_t max_connections = 19000;
  // HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS per connection; 0: HTTP/2 off (no ALPN h2,
  // no h2c with prior knowledge).
  std::uint32_t h2_max_streams = 256;
  std::size_t subscriber_buffer = 4 * 1024 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers; over: 431
  std::size_t max_token_bytes = 8192;
  // Topics of one update, and topic selectors of one subscription.
  std::size_t max_topics_per_request = 100;
  // What one subscription may make the hub store and match (issue 9): every selector is
  // matched against each new topic and, on a resume, against history's topics.
  std::size_t max_selector_bytes = 1024;  // one selector's text
  // All URI-template selectors of one subscription together: their variables, their bytes.
  std::size_t max_template_variables = 64;
  std::size_t max_template_bytes = 4096;
  // Fields of one publish form or subscribe query string.
  std::size_t max_form_fields = 1000;
  // The `retry:` sent when a stream ends because its token expired: how soon the client
  // comes back with a fresh token (and resumes from history).
  std::chrono::milliseconds expired_token_retry{1000};

  // Whether requests of each generation are served (--protocol).
  bool speaks_v0() const { return protocol != Protocol::v1; }
  bool speaks_v1() const { return protocol != Protocol::v0; }
  // The resource identifier: --resource, else http://LISTEN/.well-known/mercure (the TLS
  // listener's https:// URL when there is no plain one).
  std::string resource_identifier() const;
  // The hub's URL (relative topics and URL patterns resolve against it): the resource
  // identifier when it is an http(s) URL, else the default above.
  std::string hub_url() const;
};

}  // namespace herald::server
