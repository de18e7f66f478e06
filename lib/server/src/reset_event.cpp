#include "reset_event.hpp"

#include <nlohmann/json.hpp>

#include "herald/wire/serializer.hpp"

namespace herald::server {

namespace {

const char* reason_name(hub::Gap::Reason reason) {
  switch (reason) {
    case hub::Gap::Reason::unknown_last_event_id:
      return "last-event-id-not-held";
    case hub::Gap::Reason::evicted_while_replaying:
      return "evicted-while-replaying";
    case hub::Gap::Reason::fell_behind_shared_log:
      return "node-fell-behind";
  }
  return "last-event-id-not-held";
}

}  // namespace

std::string reset_frame(const hub::Gap& gap) {
  nlohmann::ordered_json data = {{"reason", reason_name(gap.reason)}, {"oldest", nullptr}};
  if (gap.oldest_held) data["oldest"] = gap.oldest_held->id;
  wire::Event event;
  event.type = kResetEventType;
  // Ordered: the reason reads first. dump() escapes control characters, so the JSON stays on one
  // data line; an id that is not UTF-8 has its bad bytes replaced rather than throwing.
  event.data = data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string frame;
  wire::serialize(event, frame);
  return frame;
}

}  // namespace herald::server
