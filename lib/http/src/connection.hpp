#pragma once
// One HTTP/1.1 connection: reads requests through the sans-I/O RequestReader, answers them
// one at a time in order (pipelining: the next request is read only once the previous
// answer was written), and can turn into a chunked stream that implements StreamSink. All
// its I/O goes through a Transport, so this is the same over plain TCP and TLS. Every
// accepted connection starts here: one whose TLS handshake chose ALPN h2, or whose first
// bytes are HTTP/2's client preface (h2c with prior knowledge), is handed to an
// H2Connection with its transport.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "herald/http/server.hpp"
#include "herald/http/stream_sink.hpp"
#include "live_connection.hpp"
#include "request_reader.hpp"
#include "response_writer.hpp"
#include "transport.hpp"

namespace herald::http {

class Shard;

class Connection final : public std::enable_shared_from_this<Connection>,
                         public LiveConnection,
                         public StreamSink,
                         private Exchange {
 public:
  Connection(Shard& shard, std::unique_ptr<Transport> transport, std::uint64_t id);
  ~Connection() override;

  void start();
  // From the shard's sweep: timeouts (header, body, idle, write stall), and a keep-alive
  // for idle streams when due.
  void sweep(clock::time_point now, bool keepalive_due) override;
  // Graceful shutdown: streams end, idle connections close, a request being read or
  // answered finishes and is answered with `Connection: close`.
  void shutdown() override;
  void close_now(std::string_view reason) override;
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }

  // StreamSink
  void write(SharedBytes bytes) override;
  void flush() override;
  std::size_t queued_bytes() const override { return writing_ ? queued_bytes_ : 0; }
  void end() override;
  void abort() override { close_now("aborted by the server"); }
  void abort_later() override;
  bool closed() const override { return state_ == State::closed; }
  void on_close(std::function<void()> callback) override { on_close_ = std::move(callback); }
  void on_proceed(std::function<void()> callback) override { on_proceed_ = std::move(callback); }
  std::size_t shard() const override;
  std::uint64_t id() const override { return id_; }

 private:
  enum class State { reading, responding, streaming, closed };

  // The request phase's state, freed between requests and as soon as a stream starts: an
  // idle connection or subscriber keeps no read buffer.
  struct ReadState {
    std::optional<RequestReader> reader;  // the request being read
    std::string next_request;             // bytes of pipelined requests, read with the previous one
    std::string preface;  // first bytes that may still be HTTP/2's preface (split reads)
    // While the handler's LateResponse has not answered: the connection owns itself, since
    // its operations own it otherwise and none may be pending then (see watch_while_late).
    std::shared_ptr<Connection> late_owner;
    bool continue_sent = false;
  };

  // Exchange
  void respond(Response response) override;
  std::shared_ptr<StreamSink> open_stream(std::string_view content_type,
                                          std::vector<Header> headers) override;
  std::shared_ptr<LateResponse> respond_later() override;

  bool late_pending() const { return read_ && read_->late_owner; }
  // On the shard, from the LateResponse: the answer, unless the connection closed meanwhile.
  void answer_late(Response response);
  void watch_while_late(boost::system::error_code ec);
  RequestLimits limits() const;
  void on_handshake(boost::system::error_code ec, std::size_t);
  void read_next_request();
  void wait_readable();
  void on_readable(boost::system::error_code ec, std::size_t);
  void read_into_scratch();
  bool take_first_bytes(std::string_view bytes);
  void hand_over_to_h2(std::string_view received);
  void take_request_bytes(std::string_view bytes);
  void handle_request(RequestReader::Message message);
  void fail_request(int status, std::string_view message);
  void send_continue();
  void on_continue_written(boost::system::error_code ec, std::size_t n);
  void write_out();  // writes out_ (a whole response) and goes on with the next request
  void on_response_written(boost::system::error_code ec, std::size_t n);
  void sweep_reading(clock::time_point now);
  void sweep_write_stall(clock::time_point now);
  void check_hangup(boost::system::error_code ec);
  void on_stream_written(boost::system::error_code ec, std::size_t n);
  void close_gracefully(std::string_view reason);

  Shard& shard_;
  std::unique_ptr<Transport> transport_;
  std::uint64_t id_;
  State state_ = State::reading;
  bool handshaking_ = false;  // TLS: bounded by the header timeout like a request head
  // Plain listener with HTTP/2 on: the first bytes may be HTTP/2's client preface.
  bool sniffing_preface_ = false;
  std::unique_ptr<ReadState> read_;
  bool request_in_progress_ = false;
  clock::time_point request_started_;
  clock::time_point idle_since_;
  // Progress flags set by I/O completions and read by the sweep, so that timing a body or
  // a write costs no clock read per operation.
  bool read_progress_ = false;
  clock::time_point last_read_;  // as last seen by the sweep
  bool write_progress_ = false;
  bool write_stall_sampled_ = false;
  clock::time_point write_stall_since_;
  std::uint64_t write_stall_acked_ = 0;  // bytes the peer had acknowledged then
  bool answered_ = false;
  bool shutting_down_ = false;
  // A readiness wait is pending. One at a time, whatever it waits for: its completion acts
  // on the state the connection is in by then (a wait begun while a late answer was
  // pending may complete when the next request is being read).
  bool read_waiting_ = false;
  ResponseWriter writer_;  // the bytes of the answers, and whether the connection goes on
  std::string out_;        // a response being written, or a stream's response head

  // Stream state.
  std::vector<SharedBytes> queue_;     // written with the next flush
  std::vector<SharedBytes> inflight_;  // held until the write completes
  std::vector<boost::asio::const_buffer> iov_;
  std::size_t queued_bytes_ = 0;
  std::array<char, ResponseWriter::chunk_head_capacity> chunk_head_;
  bool writing_ = false;  // a write (100 Continue, response or stream) is in flight
  // A response came while the 100 Continue was still being written: it follows it (a
  // transport takes one write at a time).
  bool response_waiting_ = false;
  bool head_pending_ = false;
  bool ending_ = false;
  bool aborting_ = false;  // abort_later() was called: the close is posted
  bool terminator_sent_ = false;
  bool wrote_since_keepalive_ = false;
  std::function<void()> on_close_;
  std::function<void()> on_proceed_;
};

}  // namespace herald::http
