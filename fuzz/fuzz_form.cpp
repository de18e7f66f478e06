// Fuzz target for the application/x-www-form-urlencoded decoder (publish bodies, query
// strings). Invariants: no crash; on success every field is valid UTF-8 and within the
// limits; decoding is all-or-nothing per field list.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "herald/base/form.hpp"
#include "herald/base/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  herald::form::Limits limits{.max_fields = 64, .max_value_bytes = 4096};
  std::vector<herald::form::Field> fields;
  std::string error;
  bool ok = herald::form::decode(text, fields, error, limits);
  if (ok) {
    if (!error.empty()) __builtin_trap();
    if (fields.size() > limits.max_fields) __builtin_trap();
    for (const auto& f : fields) {
      if (f.value.size() > limits.max_value_bytes) __builtin_trap();
      if (!herald::is_valid_utf8(f.name) || !herald::is_valid_utf8(f.value)) __builtin_trap();
    }
  } else if (error.empty()) {
    __builtin_trap();  // a refusal always says why
  }
  // percent_decode never produces more bytes than it reads.
  std::string out;
  if (herald::form::percent_decode(text, out) && out.size() > text.size()) __builtin_trap();
  return 0;
}
