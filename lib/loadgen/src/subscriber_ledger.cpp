#include "herald/loadgen/subscriber_ledger.hpp"

namespace herald::loadgen {

void SubscriberLedger::connected(Subscriber& s) {
  s.connected = true;
  ++connected_;
}

void SubscriberLedger::failed(Subscriber& s, const std::string& reason) {
  ++failed_;
  ++failures_[reason];
  finish(s);
}

void SubscriberLedger::ended(Subscriber& s) {
  if (!s.finished && !s.stream.complete()) ++dropped_;
  finish(s);
}

void SubscriberLedger::progressed(Subscriber& s) {
  if (s.stream.complete()) finish(s);
}

void SubscriberLedger::finish(Subscriber& s) {
  if (s.finished) return;
  s.finished = true;
  ++finished_;
}

SubscriberTotals SubscriberLedger::totals(std::size_t requested) const {
  SubscriberTotals t;
  t.requested = requested;
  t.connected = connected_;
  t.failed = failed_;
  t.failures = failures_;
  t.dropped = dropped_;
  return t;
}

}  // namespace herald::loadgen
