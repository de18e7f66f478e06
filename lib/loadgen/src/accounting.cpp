#include "herald/loadgen/accounting.hpp"

#include <cmath>

namespace herald::loadgen {

void SubscriberTotals::add(const SubscriberTotals& o) {
  requested += o.requested;
  connected += o.connected;
  failed += o.failed;
  add_counts(failures, o.failures);
  dropped += o.dropped;
  expected += o.expected;
  delivered += o.delivered;
  missing += o.missing;
  duplicates += o.duplicates;
  reordered += o.reordered;
  unexpected += o.unexpected;
  malformed += o.malformed;
}

void SubscriberTotals::add_stream(const SequenceTracker& t) {
  expected += t.expected();
  delivered += t.delivered();
  missing += t.missing();
  duplicates += t.duplicates();
  reordered += t.reordered();
  unexpected += t.unexpected();
}

void to_json(nlohmann::json& j, const SubscriberTotals& t) {
  j = nlohmann::json{
      {"requested", t.requested}, {"connected", t.connected},   {"failed", t.failed},
      {"failures", t.failures},   {"dropped", t.dropped},       {"expected", t.expected},
      {"delivered", t.delivered}, {"missing", t.missing},       {"duplicates", t.duplicates},
      {"reordered", t.reordered}, {"unexpected", t.unexpected}, {"malformed", t.malformed}};
}

void from_json(const nlohmann::json& j, SubscriberTotals& t) {
  j.at("requested").get_to(t.requested);
  j.at("connected").get_to(t.connected);
  j.at("failed").get_to(t.failed);
  j.at("failures").get_to(t.failures);
  j.at("dropped").get_to(t.dropped);
  j.at("expected").get_to(t.expected);
  j.at("delivered").get_to(t.delivered);
  j.at("missing").get_to(t.missing);
  j.at("duplicates").get_to(t.duplicates);
  j.at("reordered").get_to(t.reordered);
  j.at("unexpected").get_to(t.unexpected);
  j.at("malformed").get_to(t.malformed);
}

nlohmann::json histogram_to_json(const LatencyHistogram& h) {
  return {{"buckets", h.sparse()}, {"min", h.min()}, {"max", h.max()}};
}

bool histogram_from_json(const nlohmann::json& j, LatencyHistogram& h) {
  if (!j.is_object() || !j.contains("buckets")) return false;
  auto buckets = j.at("buckets").get<std::vector<std::pair<std::uint32_t, std::uint64_t>>>();
  return h.load(buckets, j.at("min").get<std::uint64_t>(), j.at("max").get<std::uint64_t>());
}

nlohmann::json latency_summary_ms(const LatencyHistogram& h) {
  auto ms = [](std::uint64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; };
  return {{"count", h.count()},
          {"p50", ms(h.percentile(0.50))},
          {"p90", ms(h.percentile(0.90))},
          {"p99", ms(h.percentile(0.99))},
          {"p99_9", ms(h.percentile(0.999))},
          {"max", ms(h.max())}};
}

}  // namespace herald::loadgen
