#pragma once
// What a process costs, read from /proc: resident memory and CPU time. Used for the hub's
// processes (by pid) and for the load generator's own.
#include <cstdint>
#include <string_view>

namespace herald::loadgen {

struct ProcessSample {
  bool alive = false;
  std::uint64_t rss_kib = 0;  // VmRSS: user-space pages (socket buffers are the kernel's)
  double cpu_s = 0;           // user + system
};

ProcessSample sample_process(int pid);

// The calling process's user + system CPU seconds.
double own_cpu_s();

// Parsers for the two /proc files (exposed for tests).
bool parse_vmrss_kib(std::string_view status_text, std::uint64_t& kib);
bool parse_stat_cpu_ticks(std::string_view stat_text, std::uint64_t& ticks);

}  // namespace herald::loadgen
