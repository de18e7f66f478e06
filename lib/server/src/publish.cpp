// POST /.well-known/mercure: validate the form, serialize the event once, hand it to the hub.
#include <charconv>
#include <chrono>

#include "context.hpp"
#include "herald/auth/authorize.hpp"
#include "herald/base/clean_text.hpp"
#include "herald/base/form.hpp"
#include "herald/base/log.hpp"
#include "herald/base/strings.hpp"
#include "herald/base/uuid.hpp"
#include "herald/match/reserved_path.hpp"
#include "herald/wire/serializer.hpp"

namespace herald::server {

namespace {

bool is_form_content_type(std::string_view type) {
  auto semi = type.find(';');
  std::string_view essence = type.substr(0, semi);
  while (!essence.empty() && essence.back() == ' ')
    essence.remove_suffix(1);
  return iequals(essence, "application/x-www-form-urlencoded");
}

bool parse_retry(std::string_view text, std::uint32_t& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void handle_publish(Context& ctx, const http::Request& request, http::Exchange& exchange) {
  auto started = std::chrono::steady_clock::now();
  auto fail = [&](int status, std::string_view message) {
    ctx.metrics->publishes_rejected.fetch_add(1, std::memory_order_relaxed);
    log::info("publish rejected", {{"conn", std::to_string(request.connection_id)},
                                   {"status", std::to_string(status)},
                                   {"reason", std::string(message)}});
    exchange.respond(denial_response({status, std::string(message)}));
  };
  // Who is publishing comes first: an unauthorized client learns nothing about its form.
  std::shared_ptr<const auth::Claims> claims;
  if (!ctx.config.dev) {
    auto who = ctx.auth->identify(request, Role::publisher);
    if (auto* denial = std::get_if<Denial>(&who)) {
      ctx.metrics->publishes_rejected.fetch_add(1, std::memory_order_relaxed);
      return exchange.respond(denial_response(*denial));  // with its challenge
    }
    claims = std::get<Identity>(who).claims;
    // The gate refuses a publisher without a token itself when it can check one; without
    // any key, it lets everyone through as anonymous, and this says why that is not enough.
    if (!claims) {
      return fail(401,
                  "publishing needs a token, and no publisher key or issuer is configured on "
                  "this hub (--publisher-jwt-key, --jwt-key or --jwt-issuer; --dev for anonymous "
                  "publishing)");
    }
  }
  if (!is_form_content_type(request.header("Content-Type"))) {
    return fail(415, "publish needs Content-Type: application/x-www-form-urlencoded");
  }
  std::vector<form::Field> fields;
  std::string error;
  form::Limits limits;
  limits.max_fields = ctx.config.max_form_fields;
  limits.max_value_bytes = ctx.config.max_body_bytes;
  if (!form::decode(request.body, fields, error, limits)) return fail(400, error);

  // The rules of the generation the publisher speaks: its token's, else (anonymous, --dev)
  // 0.x unless the hub speaks 1.0 only.
  const bool v1 =
      claims ? claims->generation == auth::TokenGeneration::mercure_1 : !ctx.config.speaks_v0();
  // The draft's value constraints on topics, ids and types: no control or format characters.
  auto clean = [&](std::string_view value) { return !v1 || is_clean_text(value); };
  // 1.0 answers a limit with 413; 0.x herald answered 400.
  const int too_large = v1 ? 413 : 400;

  auto update = std::make_shared<hub::Update>();
  wire::Event event;
  for (form::Field& f : fields) {
    if (f.name == "topic") {
      if (f.value.empty()) return fail(400, "empty topic");
      if (f.value.size() > match::Selector::kMaxLength) {
        return fail(too_large, "topic too long (limit " +
                                   std::to_string(match::Selector::kMaxLength) + " bytes)");
      }
      if (!clean(f.value)) return fail(400, "topic holds a control or format (Cf) character");
      if (update->topics.size() >= ctx.config.max_topics_per_request) {
        return fail(too_large, "too many topics (limit " +
                                   std::to_string(ctx.config.max_topics_per_request) + ")");
      }
      update->topics.push_back(std::move(f.value));
    } else if (f.name == "data") {
      // Mercure joins repeated data fields with a newline.
      if (!event.data.empty()) event.data += '\n';
      event.data += f.value;
    } else if (f.name == "id") {
      event.id = std::move(f.value);
    } else if (f.name == "type") {
      event.type = std::move(f.value);
    } else if (f.name == "retry") {
      std::uint32_t ms = 0;
      if (!parse_retry(f.value, ms)) return fail(400, "retry must be a whole number of ms");
      event.retry = ms;
    } else if (f.name == "private") {
      // 1.0: private by the field's presence, whatever its value. 0.x herald read the value.
      update->is_private = v1 || (!f.value.empty() && f.value != "off" && f.value != "false");
    }
  }
  if (update->topics.empty()) return fail(400, "missing topic: give at least one topic field");
  for (const std::string& topic : update->topics) {
    // `*` is the wildcard of every matcher type: a topic spelled so could not be selected
    // alone.
    if (topic == "*") return fail(400, "the topic '*' is reserved for the wildcard matcher");
    if (ctx.reserved_path->addressed_by(topic)) {
      return fail(v1 ? 400 : 403,
                  "topics under the hub's URL (/.well-known/mercure) are the hub's own "
                  "(subscription events); nobody may publish to them");
    }
  }
  // Subscription events come with the reserved `mercure` type: no publisher may forge one.
  if (event.type == "mercure") {
    return fail(400, "the event type 'mercure' is reserved for the hub's own events");
  }
  if (!clean(event.type)) return fail(400, "type holds a control or format (Cf) character");
  // Every topic must match a publish selector, private update or not: stricter than
  // Mercure 0.x, which lets any publish claim publish public updates.
  if (claims && !auth::can_publish(*claims, update->topics)) {
    ctx.metrics->publishes_rejected.fetch_add(1, std::memory_order_relaxed);
    return exchange.respond(denial_response(ctx.auth->insufficient_scope(
        "the token's publish grants do not cover every topic of this update")));
  }
  if (event.id) {
    if (event.id->empty()) return fail(400, "id must not be empty");
    if (*event.id == "earliest") return fail(400, "id 'earliest' is reserved for replay");
    // Ids starting with '#' are the hub's own (relative fragment references).
    if (v1 && event.id->front() == '#') return fail(400, "an id must not start with '#'");
    if (!clean(*event.id)) return fail(400, "id holds a control or format (Cf) character");
  } else {
    event.id = random_urn_uuid();
  }
  if (auto e = wire::serialize(event, update->frame); e != wire::SerializeError::none) {
    return fail(400, wire::describe(e));
  }
  update->id = *event.id;
  // The answer once history has the update: 200 with exactly the id, as Mercure answers,
  // 503 when the store could not keep it (nothing is delivered then), or 504 when a
  // cluster's Redis did not confirm it (it may be delivered).
  auto answer = [&ctx, id = update->id, started, conn = request.connection_id](
                    hub::AppendResult kept, auto&& respond) {
    if (!kept.ok() && kept.outcome_unknown) {
      // Neither 200 nor 503: the shared log may have kept it (and then delivers it).
      ctx.metrics->publishes_failed.fetch_add(1, std::memory_order_relaxed);
      log::warn("publish not confirmed",
                {{"conn", std::to_string(conn)}, {"id", id}, {"reason", kept.error}});
      respond(denial_response(
          {504, "not confirmed: " + kept.error +
                    "; the update may still be delivered (publish it again with the same id "
                    "and subscribers may get it twice)"}));
      return;
    }
    if (!kept.ok()) {
      ctx.metrics->publishes_failed.fetch_add(1, std::memory_order_relaxed);
      log::warn("publish not kept",
                {{"conn", std::to_string(conn)}, {"id", id}, {"reason", kept.error}});
      http::Response unavailable = denial_response({503, "not published: " + kept.error});
      unavailable.headers.push_back({"Retry-After", "1"});
      respond(std::move(unavailable));
      return;
    }
    ctx.metrics->publish_latency.record(std::chrono::steady_clock::now() - started);
    http::Response ok;
    ok.body = id;
    respond(std::move(ok));
  };
  if (!ctx.hub->completes_later()) {
    ctx.hub->publish(std::move(update), [&](hub::AppendResult kept) {
      answer(std::move(kept), [&](http::Response r) { exchange.respond(std::move(r)); });
    });
    return;
  }
  // A durable store acknowledges after its group commit, on its own thread: the answer
  // goes back to this connection's thread from there, and this shard goes on meanwhile.
  ctx.hub->publish(std::move(update), [answer = std::move(answer),
                                       late = exchange.respond_later()](hub::AppendResult kept) {
    answer(std::move(kept), [&](http::Response r) { late->respond(std::move(r)); });
  });
}

}  // namespace herald::server
