#include "herald/base/uuid.hpp"

#include <cstdint>
#include <random>

namespace herald {

std::string random_urn_uuid() {
  // One generator per thread, seeded from the OS: unique ids without a lock.
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  static constexpr char digits[] = "0123456789abcdef";
  std::string id = "urn:uuid:";
  id.reserve(45);
  auto put = [&](std::uint64_t v, int nibbles_from, int nibbles_to) {
    for (int i = nibbles_from; i < nibbles_to; ++i)
      id += digits[(v >> (60 - 4 * i)) & 0xF];
  };
  put(hi, 0, 8);
  id += '-';
  put(hi, 8, 12);
  id += '-';
  put(hi, 12, 16);
  id += '-';
  put(lo, 0, 4);
  id += '-';
  put(lo, 4, 16);
  return id;
}

}  // namespace herald
