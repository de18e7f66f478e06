#pragma once
#include <string>

namespace herald::server {

// A fresh `urn:uuid:` (version 4) id for an update published without one.
std::string generate_event_id();

}  // namespace herald::server
