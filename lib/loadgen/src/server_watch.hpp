#pragma once
// The hub's processes as the report sees them: RSS and CPU sampled at the moments that
// matter (before subscribers, while they are held, around the measured window).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "herald/loadgen/proc_stats.hpp"

namespace herald::loadgen {

class ServerWatch {
 public:
  enum Moment { before, held, window_start, window_end, moments };

  explicit ServerWatch(std::vector<int> pids) : pids_(std::move(pids)) {
    for (auto& m : samples_)
      m.resize(pids_.size());
  }
  void sample(Moment m);
  // Per pid and summed: RSS at each moment, held - before per subscriber, CPU in the window.
  nlohmann::json report(std::uint64_t connected, double window_s) const;

 private:
  std::vector<int> pids_;
  std::vector<ProcessSample> samples_[moments];
};

}  // namespace herald::loadgen
