#pragma once
// One SSE client the harness asked for: an EventSource configured from the "create stream"
// JSON, reporting events, comments and errors to the harness's callback URL.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "callback_sender.hpp"
#include "herald/client/event_source.hpp"

namespace herald::contract {

class StreamEntity {
 public:
  // Throws std::invalid_argument (-> 400) when the parameters are unusable.
  StreamEntity(const boost::asio::any_io_executor& executor, const nlohmann::json& params);
  ~StreamEntity();

  // Returns false for a command this service does not know (-> 400).
  bool command(const nlohmann::json& body);

 private:
  std::shared_ptr<CallbackSender> callbacks_;
  std::unique_ptr<client::EventSource> source_;
};

}  // namespace herald::contract
