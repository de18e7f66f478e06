// Equality of received events: what tests and the client compare dispatches with.
#include "herald/wire/event.hpp"

namespace herald::wire {

bool operator==(const ReceivedEvent& a, const ReceivedEvent& b) {
  return a.type == b.type && a.data == b.data && a.last_event_id == b.last_event_id;
}

}  // namespace herald::wire
