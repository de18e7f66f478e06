#pragma once
// One HTTP/2 connection: drives the sans-I/O H2Session over a Transport the way
// Connection drives RequestReader. It waits for readability without a buffer, reads into
// the shard's scratch buffer and feeds the session; what the session has to send goes out
// in one gathered write at a time, and whatever it produces meanwhile goes in the next. A
// flush only marks the connection dirty and posts one write: all the streams' DATA of one
// event batch leave in one write per connection, however many subscribers it carries.
// Requests go to the server's Handler, one Exchange per stream; streaming answers are
// H2Streams (h2_stream.hpp).
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "h2_session.hpp"
#include "herald/http/server.hpp"
#include "live_connection.hpp"
#include "transport.hpp"

namespace herald::http {

class Shard;
class H2Stream;

class H2Connection final : public std::enable_shared_from_this<H2Connection>,
                           public LiveConnection {
 public:
  // Takes over `transport` (after its handshake) and the connection's id from Connection.
  H2Connection(Shard& shard, std::unique_ptr<Transport> transport, std::uint64_t id);
  ~H2Connection() override;

  // `received`: bytes already read (the client preface, maybe more).
  void start(std::string_view received);

  void sweep(clock::time_point now, bool keepalive_due) override;
  // GOAWAY; streaming answers end after what they queued; closes once all is written.
  void shutdown() override;
  void close_now(std::string_view reason) override;
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }

  // What an H2Stream asks of its connection (stream_id: its HTTP/2 stream).
  void stream_write(std::int32_t stream_id, SharedBytes bytes);
  std::size_t stream_queued_bytes(std::int32_t stream_id) const;
  void stream_end(std::int32_t stream_id);
  void stream_reset(std::int32_t stream_id);
  // Aborts that stream's answer once the current handler has returned.
  void stream_abort_later(std::int32_t stream_id);
  // A flush: output will be produced and written once the current handler is done (or
  // once the write in flight completes), together with every other stream's.
  void schedule_write();
  std::size_t shard_index() const;

 private:
  class StreamExchange;
  friend class StreamExchange;

  H2Limits limits() const;
  void on_request(std::int32_t stream_id, Request request);
  std::shared_ptr<StreamSink> open_stream(std::int32_t stream_id, std::string_view content_type,
                                          const std::vector<Header>& headers, bool head_request);
  // On the shard, from a StreamExchange's LateResponse.
  void answer_late(std::int32_t stream_id, Response response, bool head_request);
  void on_stream_closed(std::int32_t stream_id);
  void wait_readable();
  void on_readable(boost::system::error_code ec, std::size_t);
  void feed(std::string_view bytes);
  void write_out();
  void on_written(boost::system::error_code ec, std::size_t n);
  void proceed_streams();
  void sweep_timeouts(clock::time_point now);
  void sweep_write_stall(clock::time_point now);
  void send_keepalives();
  // Data bytes that left the session's stream queues so far (written, or dropped with a
  // reset stream): a stall is a sweep period in which this does not move.
  std::uint64_t data_moved() const;
  void close_gracefully(std::string_view reason);
  // Where the streaming answer on HTTP/2 stream `stream_id` is, or would go, in streams_.
  std::vector<std::shared_ptr<H2Stream>>::iterator stream_slot(std::int32_t stream_id);
  // That answer in streams_, or streams_.end().
  std::vector<std::shared_ptr<H2Stream>>::iterator find_stream(std::int32_t stream_id);
  // Removes that answer from streams_ and returns it; null when it is not there.
  std::shared_ptr<H2Stream> take_stream(std::int32_t stream_id);

  Shard& shard_;
  std::unique_ptr<Transport> transport_;
  std::uint64_t id_;
  // Open streaming answers, sorted by HTTP/2 stream id: a vector costs one pointer per
  // stream where a hash map costs a node each (memory per subscriber), and a connection
  // has at most a few hundred. Declared before the session, so that it outlives it:
  // nothing the session does while it is destroyed can reach a freed vector.
  std::vector<std::shared_ptr<H2Stream>> streams_;
  H2Session session_;
  bool closed_ = false;
  bool reading_ = false;        // a readability wait is pending
  bool writing_ = false;        // a transport write is in flight
  bool write_posted_ = false;   // a write_out() is posted
  bool shutting_down_ = false;  // GOAWAY sent: close once drained
  bool got_request_ = false;    // a request began: each stream is timed on its own now
  clock::time_point started_;
  clock::time_point idle_since_;
  // Set by write completions, read by the sweep (no clock read per write).
  bool write_progress_ = false;
  bool write_stall_sampled_ = false;
  clock::time_point write_stall_since_;
  std::uint64_t write_stall_acked_ = 0;
  std::uint64_t write_stall_moved_ = 0;
  std::uint64_t data_queued_ = 0;  // bytes streams ever queued in the session
  // The output being written: owners held until the write completes.
  std::vector<SharedBytes> out_;
  std::vector<boost::asio::const_buffer> iov_;
};

}  // namespace herald::http
