#include "herald/loadgen/plan.hpp"

namespace herald::loadgen {

namespace {
std::size_t ceil_div(std::size_t a, std::size_t b) {
  return (a + b - 1) / b;
}
}  // namespace

Plan::Plan(const Options& o)
    : per_connection_(o.http2 ? o.streams_per_connection : 1), prefix_(o.topic_prefix) {
  subscribers_ = o.scenario == Scenario::publish ? 0 : o.subscribers;
  events_ = o.scenario == Scenario::idle ? 0 : o.events;
  std::size_t default_topics = o.scenario == Scenario::topics ? subscribers_ : 1;
  topics_ = o.topics != 0 ? o.topics : default_topics;
  if (topics_ == 0) topics_ = 1;
  std::size_t needed = ceil_div(subscribers_, o.per_process);
  processes_ = o.processes != 0 ? o.processes : needed;
  if (processes_ < needed) processes_ = needed;
  if (subscribers_ == 0) processes_ = 0;
  source_addresses_ = o.source_addresses != 0 ? o.source_addresses : ceil_div(subscribers_, 20000);
  if (source_addresses_ == 0) source_addresses_ = 1;
  if (o.scenario == Scenario::reconnect) resume_first_ = events_ - o.resume_behind + 1;
}

std::uint64_t Plan::events_on(std::size_t t) const {
  return events_ / topics_ + (t < events_ % topics_ ? 1 : 0);
}

std::pair<std::size_t, std::size_t> Plan::range_of_process(std::size_t p) const {
  if (processes_ == 0) return {0, 0};
  return {subscribers_ * p / processes_, subscribers_ * (p + 1) / processes_};
}

}  // namespace herald::loadgen
