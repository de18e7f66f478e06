#include "server_watch.hpp"

#include <cmath>

namespace herald::loadgen {

void ServerWatch::sample(Moment m) {
  for (std::size_t i = 0; i < pids_.size(); ++i)
    samples_[m][i] = sample_process(pids_[i]);
}

nlohmann::json ServerWatch::report(std::uint64_t connected, double window_s) const {
  nlohmann::json per_pid = nlohmann::json::array();
  double cpu = 0;
  long long held_delta_kib = 0;
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    const ProcessSample& b = samples_[before][i];
    const ProcessSample& h = samples_[held][i];
    const ProcessSample& s = samples_[window_start][i];
    const ProcessSample& e = samples_[window_end][i];
    double window_cpu = s.alive && e.alive ? e.cpu_s - s.cpu_s : 0;
    cpu += window_cpu;
    if (b.alive && h.alive) {
      held_delta_kib += static_cast<long long>(h.rss_kib) - static_cast<long long>(b.rss_kib);
    }
    per_pid.push_back({{"pid", pids_[i]},
                       {"alive", e.alive},
                       {"rss_kib_before", b.rss_kib},
                       {"rss_kib_held", h.rss_kib},
                       {"rss_kib_after", e.rss_kib},
                       {"cpu_s", std::round(window_cpu * 1000) / 1000}});
  }
  nlohmann::json out{{"pids", per_pid},
                     {"rss_kib_held_delta", held_delta_kib},
                     {"cpu_s", std::round(cpu * 1000) / 1000},
                     {"cpu_percent", window_s > 0 ? std::round(cpu / window_s * 1000) / 10 : 0.0}};
  out["bytes_per_subscriber"] = connected > 0 ? std::round(static_cast<double>(held_delta_kib) *
                                                           1024.0 / static_cast<double>(connected))
                                              : 0.0;
  return out;
}

}  // namespace herald::loadgen
