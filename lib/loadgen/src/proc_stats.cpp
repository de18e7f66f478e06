#include "herald/loadgen/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace herald::loadgen {

namespace {
bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}
}  // namespace

bool parse_vmrss_kib(std::string_view text, std::uint64_t& kib) {
  std::size_t at = text.find("VmRSS:");
  if (at == std::string_view::npos) return false;
  text.remove_prefix(at + 6);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), kib);
  return ec == std::errc() && p != text.data();
}

bool parse_stat_cpu_ticks(std::string_view text, std::uint64_t& ticks) {
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  std::size_t close = text.rfind(')');
  if (close == std::string_view::npos) return false;
  text.remove_prefix(close + 1);
  // Fields after it start at 3 (state); utime and stime are fields 14 and 15.
  std::uint64_t utime = 0;
  std::uint64_t stime = 0;
  int field = 2;
  while (!text.empty() && field < 15) {
    while (!text.empty() && text.front() == ' ')
      text.remove_prefix(1);
    std::size_t end = text.find(' ');
    std::string_view value = text.substr(0, end);
    ++field;
    if (field == 14 || field == 15) {
      std::uint64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size()) return false;
      (field == 14 ? utime : stime) = v;
    }
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  }
  if (field != 15) return false;
  ticks = utime + stime;
  return true;
}

ProcessSample sample_process(int pid) {
  ProcessSample s;
  std::string status;
  std::string stat;
  std::string dir = "/proc/" + std::to_string(pid);
  if (!read_file(dir + "/status", status) || !read_file(dir + "/stat", stat)) return s;
  std::uint64_t ticks = 0;
  if (!parse_vmrss_kib(status, s.rss_kib) || !parse_stat_cpu_ticks(stat, ticks)) return s;
  s.cpu_s = static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  s.alive = true;
  return s;
}

double own_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace herald::loadgen
