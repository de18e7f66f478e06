#pragma once
// What the endpoint handlers share: configuration, the hub, the HTTP server, the auth gate,
// and the per-shard and hub-wide state of authorization and subscriptions.
#include <memory>
#include <optional>
#include <vector>
#include "herald/cluster/redis_history.hpp"

#include "auth_gate.hpp"
#include "cors.hpp"
#include "herald/http/message.hpp"
#include "herald/http/server.hpp"
#include "herald/hub/hub.hpp"
#include "herald/match/reserved_path.hpp"
#include "herald/server/config.hpp"
#include "metrics.hpp"
#include "refused_origins.hpp"
#include "subscription_registry.hpp"
#include "token_expiry.hpp"

namespace herald::server {

struct Context {
  Config config;
  Cors cors;
  RefusedOrigins refused_origins;
  std::unique_ptr<AuthGate> auth;
  // config.hub_url(), computed once rather than on every subscribe (relative URL patterns
  // resolve against it), and its path subtree, parsed once rather than on every publish:
  // both set, like `auth`, wherever the hub URL is (HubServer's constructor, and start()
  // when it binds the port).
  std::string hub_url;
  std::optional<match::ReservedPath> reserved_path;
  hub::Hub* hub = nullptr;
  http::Server* http = nullptr;
  Metrics* metrics = nullptr;
  // One per shard, used on that shard's thread only.
  std::vector<TokenExpiry*> expiry;
  // Null unless --subscriptions.
  SubscriptionRegistry* subscriptions = nullptr;
  // The hub's history when it is the cluster's Redis stream (--store redis://), for
  // /metrics and the cluster-wide subscriptions listing; null otherwise.
  cluster::RedisHistory* cluster = nullptr;

  // --dev, or --anonymous: subscribers without a token are let in.
  bool anonymous_subscribers() const { return config.dev || config.anonymous; }
  // The demo pages, the dashboard and their streams.
  bool serves_ui() const { return config.dev || config.ui; }
  // /metrics on the public listener.
  bool serves_public_metrics() const { return config.dev || config.metrics_public; }
};

void handle_publish(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_subscribe(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_subscriptions(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_clock(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_metrics(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_ready(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_dashboard_stream(Context& ctx, const http::Request& request, http::Exchange& exchange);

}  // namespace herald::server
