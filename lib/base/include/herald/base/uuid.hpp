#pragma once
// Random identifiers: event ids the hub generates, subscription ids, token ids (jti).
#include <string>

namespace herald {

// A fresh `urn:uuid:` of a version 4 (random) UUID.
std::string random_urn_uuid();

}  // namespace herald
