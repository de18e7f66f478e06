#pragma once
// What the endpoint handlers share: configuration, the hub, the HTTP server.
#include <vector>

#include "cors.hpp"
#include "herald/http/message.hpp"
#include "herald/http/server.hpp"
#include "herald/hub/hub.hpp"
#include "herald/server/config.hpp"
#include "metrics.hpp"

namespace herald::server {

struct Context {
  Config config;
  Cors cors;
  hub::Hub* hub = nullptr;
  http::Server* http = nullptr;
  Metrics* metrics = nullptr;
};

void handle_publish(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_subscribe(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_clock(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_metrics(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_ready(Context& ctx, const http::Request& request, http::Exchange& exchange);
void handle_dashboard_stream(Context& ctx, const http::Request& request,
                             http::Exchange& exchange);

}  // namespace herald::server
