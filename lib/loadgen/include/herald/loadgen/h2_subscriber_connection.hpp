#pragma once
// The subscribers sharing one HTTP/2 connection, sans-I/O: each is a stream of one
// client::H2ClientSession (the client's codec), its response head and body bytes go to its
// own SseStream, and its end is counted in the process's SubscriberLedger exactly as an
// HTTP/1.1 subscriber's would be. The pool owns the socket: it writes take_output(),
// feeds what it reads (StreamContext::now_ns set first), and says when the connection is
// lost.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herald/client/h2_client_session.hpp"
#include "herald/loadgen/subscriber_ledger.hpp"

namespace herald::loadgen {

class H2SubscriberConnection {
 public:
  // `request`: what every stream sends (scheme, authority, headers); each its own path.
  H2SubscriberConnection(SubscriberLedger& ledger, client::H2Request request);
  H2SubscriberConnection(const H2SubscriberConnection&) = delete;  // the session's callbacks
  H2SubscriberConnection& operator=(const H2SubscriberConnection&) = delete;  // point here

  // Before start(): one more subscriber, subscribing to `path`.
  void add(Subscriber& s, std::string path);
  std::size_t size() const { return members_.size(); }
  // The connection is up: submits every subscriber's request. Latency counts from
  // `not_before_ns` at the earliest (the connect's start, as over HTTP/1.1).
  void start(std::uint64_t not_before_ns);

  // Bytes from the server, split anywhere. False: the connection is over (what was still
  // open has been counted as lost); write what take_output() still gives, then close.
  bool feed(std::string_view bytes);
  void take_output(std::string& out) { session_.take_output(out); }
  bool want_write() const { return session_.want_write(); }

  // The connection ended or never came up: who still waited for a head fails with
  // `reason`, who was streaming has ended (dropped unless complete).
  void lost(const std::string& reason);
  // Who still waits for a head fails with "timeout", and its stream is cancelled.
  void expire();
  // Subscribers still waiting for their response head (queued ones too).
  std::size_t waiting() const { return waiting_; }

 private:
  enum class Phase : std::uint8_t { queued, waiting, streaming, over };
  struct Member {
    Subscriber* subscriber;
    std::string path;  // freed once the request is submitted
    Phase phase = Phase::queued;
  };

  Member* member(std::int32_t stream_id);
  void fail(Member& m, const std::string& reason);
  void end(Member& m);  // its stream ended after its head
  void on_head(std::int32_t stream_id, const client::H2ResponseHead& head);
  void on_data(std::int32_t stream_id, std::string_view bytes);
  void on_close(std::int32_t stream_id, std::uint32_t error_code);

  SubscriberLedger& ledger_;
  client::H2Request request_;
  std::vector<Member> members_;
  std::unordered_map<std::int32_t, std::size_t> by_stream_;  // open streams -> members_
  std::size_t waiting_ = 0;
  client::H2ClientSession session_;
};

// The reason a stream that closed before its head is counted under: h2_refused_stream,
// h2_cancel, h2_protocol_error, ...
std::string h2_close_reason(std::uint32_t error_code);

}  // namespace herald::loadgen
