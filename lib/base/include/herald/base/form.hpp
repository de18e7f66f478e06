#pragma once
// application/x-www-form-urlencoded decoding, used for publish bodies and query strings, and
// encoding, for clients that build them. Decoding is strict: a bad percent escape or invalid
// UTF-8 is an error with a message, never a guess.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::form {

struct Field {
  std::string name;
  std::string value;
};

struct Limits {
  std::size_t max_fields = 1000;
  std::size_t max_value_bytes = 1024 * 1024;
};

// Decodes `text` into `out` (appending). Returns false and sets `error` to a message
// that can go back to the client as is.
bool decode(std::string_view text, std::vector<Field>& out, std::string& error,
            const Limits& limits = {});

// Percent-decodes one component; '+' becomes a space (form and query semantics).
bool percent_decode(std::string_view in, std::string& out);

// Encodes one name or value the way the URL Standard's form serializer (URLSearchParams)
// does: ASCII alphanumerics and *-._ as they are, a space as '+', every other byte as %XX.
// A client that builds a query this way sends what a browser following the Mercure
// draft's examples sends.
std::string encode(std::string_view in);

// The value of the first field named `name`, or nullptr.
const std::string* find(const std::vector<Field>& fields, std::string_view name);

}  // namespace herald::form
