#include "stream_entity.hpp"

#include <stdexcept>

namespace herald::contract {

namespace {

using nlohmann::json;

constexpr std::size_t max_event_bytes = 16 << 20;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::chrono::milliseconds millis(const json& params, const char* name, long fallback) {
  if (!params.contains(name) || params.at(name).is_null()) {
    return std::chrono::milliseconds(fallback);
  }
  if (!params.at(name).is_number_integer() || params.at(name).get<long>() < 0) {
    throw std::invalid_argument(std::string(name) + " must be a non-negative integer");
  }
  return std::chrono::milliseconds(params.at(name).get<long>());
}

client::Options options_from(const json& params) {
  if (!params.is_object()) throw std::invalid_argument("the body must be a JSON object");
  for (const char* required : {"streamUrl", "callbackUrl"}) {
    if (!params.contains(required) || !params.at(required).is_string()) {
      throw std::invalid_argument(std::string(required) + " is required");
    }
  }
  client::Options o;
  o.url = params.at("streamUrl").get<std::string>();
  // The harness sends events of several MiB whole and expects them whole: the client's
  // default (1 MiB, a guard for long-running programs) would skip them.
  o.max_event_bytes = max_event_bytes;
  o.policy.reconnection_time = millis(params, "initialDelayMs", 1000);
  o.policy.read_timeout = millis(params, "readTimeoutMs", 0);
  if (params.contains("lastEventId") && params.at("lastEventId").is_string()) {
    o.last_event_id = params.at("lastEventId").get<std::string>();
  }
  if (params.contains("method") && params.at("method").is_string()) {
    o.method = params.at("method").get<std::string>();
  }
  if (params.contains("body") && params.at("body").is_string()) {
    o.body = params.at("body").get<std::string>();
  }
  if (params.contains("headers") && params.at("headers").is_object()) {
    for (const auto& [name, value] : params.at("headers").items()) {
      if (value.is_string()) o.headers.push_back({name, value.get<std::string>()});
    }
  }
  return o;
}

}  // namespace

StreamEntity::StreamEntity(const boost::asio::any_io_executor& executor, const json& params) {
  const client::Options options = options_from(params);
  callbacks_ = std::make_shared<CallbackSender>(params.at("callbackUrl").get<std::string>());
  source_ = std::make_unique<client::EventSource>(executor, options);  // may throw: 400
  // The handlers hold the sender, not this entity: they may still run on the client
  // thread after the harness deleted the stream.
  auto sender = callbacks_;
  source_->on_event([sender](const client::MessageEvent& e) {
    sender->send(dump({{"kind", "event"},
                       {"event", {{"type", e.type}, {"data", e.data}, {"id", e.last_event_id}}}}));
  });
  source_->on_comment([sender](std::string_view text) {
    sender->send(dump({{"kind", "comment"}, {"comment", text}}));
  });
  source_->on_error([sender](const client::Error& e) {
    // service_spec.md names the field "comment", the harness's Go code reads "error".
    sender->send(dump({{"kind", "error"}, {"error", e.message}, {"comment", e.message}}));
  });
  source_->start();
}

StreamEntity::~StreamEntity() {
  source_->close();
  callbacks_->stop();
}

bool StreamEntity::command(const json& body) {
  const std::string name =
      body.is_object() && body.contains("command") && body.at("command").is_string()
          ? body.at("command").get<std::string>()
          : "";
  if (name == "restart") {
    source_->restart();
    return true;
  }
  if (name == "listen") return true;  // every event type is delivered anyway
  return false;
}

}  // namespace herald::contract
