// Fuzz target for the stores' record decoder (lib/store/src/update_record.cpp): the
// bytes of a damaged data.mdb or stream entry. Invariants: no crash; whatever decodes encodes back
// to the very same bytes (the codec is canonical, so a decoded record is the record written).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "herald/store/update_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto record = herald::store::decode_record(bytes);
  if (!record) return 0;
  const herald::hub::UpdatePtr update = herald::store::to_update(*record, 1);
  auto again = herald::store::encode_record(*update, record->published_ms);
  if (!again || *again != bytes) __builtin_trap();
  return 0;
}
