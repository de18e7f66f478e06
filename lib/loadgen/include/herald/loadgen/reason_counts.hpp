#pragma once
// Failures counted by reason: "refused", "timeout", "status_503", ... Touched only when
// something fails, so an ordered map (stable JSON output) costs nothing that matters.
#include <cstdint>
#include <map>
#include <string>

namespace herald::loadgen {

using ReasonCounts = std::map<std::string, std::uint64_t>;

inline void add_counts(ReasonCounts& into, const ReasonCounts& from) {
  for (const auto& [reason, n] : from)
    into[reason] += n;
}

inline std::uint64_t total(const ReasonCounts& counts) {
  std::uint64_t n = 0;
  for (const auto& [reason, c] : counts)
    n += c;
  return n;
}

}  // namespace herald::loadgen
