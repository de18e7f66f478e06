#include "numeric_date.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace herald::auth {

namespace {

// 2200-01-01.
constexpr double kMaxNumericDate = 7'258'118'400.0;

}  // namespace

Result<std::optional<std::chrono::system_clock::time_point>> numeric_date(const Json& claims,
                                                                          const char* name) {
  using std::chrono::system_clock;
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<system_clock::time_point>();
  if (!it->is_number()) {
    return make_error(ErrorCode::invalid_claims, std::string("\"") + name + "\" is not a number");
  }
  const double seconds = std::clamp(std::floor(it->get<double>()), 0.0, kMaxNumericDate);
  return std::optional<system_clock::time_point>(
      system_clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(seconds))));
}

}  // namespace herald::auth
