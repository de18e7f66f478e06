#include "herald/loadgen/h2_subscriber_connection.hpp"

#include <cctype>

namespace herald::loadgen {

std::string h2_close_reason(std::uint32_t error_code) {
  if (error_code == client::h2_error_headers_too_large) return "h2_headers_too_large";
  std::string reason = "h2_";
  for (char c : client::h2_error_name(error_code))
    reason += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return reason;
}

H2SubscriberConnection::H2SubscriberConnection(SubscriberLedger& ledger, client::H2Request request)
    : ledger_(ledger),
      request_(std::move(request)),
      session_(client::H2ClientSession::Callbacks{
          [this](std::int32_t id, const client::H2ResponseHead& head) { on_head(id, head); },
          [this](std::int32_t id, std::string_view bytes) { on_data(id, bytes); },
          [this](std::int32_t id, std::uint32_t code) { on_close(id, code); }}) {}

void H2SubscriberConnection::add(Subscriber& s, std::string path) {
  members_.push_back({&s, std::move(path)});
  ++waiting_;
}

void H2SubscriberConnection::start(std::uint64_t not_before_ns) {
  by_stream_.reserve(members_.size());
  for (std::size_t i = 0; i < members_.size(); ++i) {
    Member& m = members_[i];
    if (m.phase != Phase::queued) continue;
    m.subscriber->stream.set_not_before(not_before_ns);
    request_.path = std::move(m.path);
    std::string().swap(m.path);
    std::int32_t id = session_.submit(request_);
    if (id < 0) {
      fail(m, "h2_no_stream");  // the server's GOAWAY came first, or ids ran out
      continue;
    }
    m.phase = Phase::waiting;
    by_stream_.emplace(id, i);
  }
}

H2SubscriberConnection::Member* H2SubscriberConnection::member(std::int32_t stream_id) {
  auto it = by_stream_.find(stream_id);
  return it == by_stream_.end() ? nullptr : &members_[it->second];
}

void H2SubscriberConnection::fail(Member& m, const std::string& reason) {
  if (m.phase == Phase::queued || m.phase == Phase::waiting) --waiting_;
  m.phase = Phase::over;
  ledger_.failed(*m.subscriber, reason);
}

void H2SubscriberConnection::end(Member& m) {
  m.phase = Phase::over;
  m.subscriber->stream.finish();
  ledger_.ended(*m.subscriber);
}

void H2SubscriberConnection::on_head(std::int32_t stream_id, const client::H2ResponseHead& head) {
  Member* m = member(stream_id);
  if (m == nullptr || m->phase != Phase::waiting) return;
  if (m->subscriber->stream.head_decoded(head.status) != SseStream::State::streaming) {
    fail(*m, "status_" + std::to_string(head.status));
    by_stream_.erase(stream_id);
    session_.cancel(stream_id);
    return;
  }
  m->phase = Phase::streaming;
  --waiting_;
  ledger_.connected(*m->subscriber);
}

void H2SubscriberConnection::on_data(std::int32_t stream_id, std::string_view bytes) {
  Member* m = member(stream_id);
  if (m == nullptr || m->phase != Phase::streaming) return;
  // The body of an HTTP/2 response has no framing of its own: it stays `streaming`.
  m->subscriber->stream.feed(bytes);
  ledger_.progressed(*m->subscriber);
}

void H2SubscriberConnection::on_close(std::int32_t stream_id, std::uint32_t error_code) {
  Member* m = member(stream_id);
  by_stream_.erase(stream_id);
  if (m == nullptr) return;
  if (m->phase == Phase::waiting) return fail(*m, h2_close_reason(error_code));
  if (m->phase == Phase::streaming) end(*m);
}

bool H2SubscriberConnection::feed(std::string_view bytes) {
  if (session_.feed(bytes)) return true;
  lost("h2_protocol");
  return false;
}

void H2SubscriberConnection::lost(const std::string& reason) {
  for (Member& m : members_) {
    if (m.phase == Phase::queued || m.phase == Phase::waiting) {
      fail(m, reason);
    } else if (m.phase == Phase::streaming) {
      end(m);
    }
  }
  by_stream_.clear();
}

void H2SubscriberConnection::expire() {
  for (auto it = by_stream_.begin(); it != by_stream_.end();) {
    Member& m = members_[it->second];
    if (m.phase != Phase::waiting) {
      ++it;
      continue;
    }
    session_.cancel(it->first);
    fail(m, "timeout");
    it = by_stream_.erase(it);
  }
  for (Member& m : members_) {
    if (m.phase == Phase::queued) fail(m, "timeout");
  }
}

}  // namespace herald::loadgen
