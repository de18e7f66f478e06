#pragma once
// The in-band loss signal of the contract: a subscriber that resumes past what history
// holds gets `event: herald-reset` first. A plain EventSource sees it with
// addEventListener("herald-reset", ...); one that does not listen loses nothing, since the
// event carries no id and the default "message" listener never fires for it.
#include <string>

#include "herald/hub/subscriber.hpp"

namespace herald::server {

// The event's name, a stable part of the contract.
inline constexpr const char* kResetEventType = "herald-reset";

// The complete SSE frame: `data` is a one-line JSON object
// {"reason": "last-event-id-not-held" | "evicted-while-replaying" | "node-fell-behind",
// "oldest": id | null}, `oldest` being the oldest id history still holds (what the replay
// starts with; null for "node-fell-behind", sent to live subscribers of a cluster node
// that read the shared stream too late: what came before it may be incomplete).
std::string reset_frame(const hub::Gap& gap);

}  // namespace herald::server
