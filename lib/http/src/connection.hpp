#pragma once
// One HTTP/1.1 connection: reads requests with Beast's sans-I/O parser, answers them in
// order (pipelining), and can turn into a chunked stream that implements StreamSink.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "herald/http/server.hpp"
#include "herald/http/stream_sink.hpp"

namespace herald::http {

class Shard;

class Connection final : public std::enable_shared_from_this<Connection>,
                         public StreamSink,
                         private Exchange {
 public:
  using clock = std::chrono::steady_clock;

  Connection(Shard& shard, boost::asio::ip::tcp::socket socket, std::uint64_t id);
  ~Connection() override;

  void start();
  // From the shard's sweep: timeouts, and a keep-alive for idle streams when due.
  void sweep(clock::time_point now, bool keepalive_due);
  // Graceful shutdown: streams end, idle connections close, a request in progress
  // finishes without keep-alive.
  void shutdown();
  void close_now(std::string_view reason);

  // StreamSink
  void write(SharedBytes bytes) override;
  void flush() override;
  std::size_t queued_bytes() const override { return writing_ ? queued_bytes_ : 0; }
  void end() override;
  void abort() override { close_now("aborted by the server"); }
  bool closed() const override { return state_ == State::closed; }
  void on_close(std::function<void()> callback) override { on_close_ = std::move(callback); }
  std::size_t shard() const override;
  std::uint64_t id() const override { return id_; }

  // The shard's intrusive list.
  Connection* prev = nullptr;
  Connection* next = nullptr;
  bool linked = false;

 private:
  enum class State { reading, responding, streaming, closed };
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  // The request phase's buffers, freed as soon as a stream starts: an idle subscriber
  // keeps no read buffer.
  struct ReadState {
    boost::beast::flat_buffer buffer;
    std::optional<RequestParser> parser;
    bool continue_sent = false;
    std::size_t header_bytes = 0;  // header bytes the parser consumed in earlier calls
  };

  // Exchange
  void respond(Response response) override;
  std::shared_ptr<StreamSink> open_stream(std::string_view content_type,
                                          std::vector<Header> headers) override;

  void configure(RequestParser& parser) const;
  void read_next_request();
  void wait_readable();
  void read_into_scratch();
  void start_buffered_parse();
  void read_some();
  bool parse_buffered();  // true when the connection moved past reading
  void handle_request(boost::beast::http::request<boost::beast::http::string_body> message);
  void fail_request(int status, std::string_view message);
  void send_continue();
  void on_response_written(boost::system::error_code ec);
  void watch_for_hangup();
  void on_stream_written(boost::system::error_code ec);
  void close_gracefully(std::string_view reason);

  Shard& shard_;
  boost::asio::ip::tcp::socket socket_;
  std::uint64_t id_;
  State state_ = State::reading;
  std::unique_ptr<ReadState> read_;
  bool request_in_progress_ = false;
  clock::time_point request_started_;
  clock::time_point idle_since_;
  bool keep_alive_ = true;
  bool answered_ = false;
  bool head_request_ = false;  // the request being answered is a HEAD: no content goes out
  bool shutting_down_ = false;
  std::string out_;  // a response being written, or a stream's response head

  // Stream state.
  std::vector<SharedBytes> queue_;     // written with the next flush
  std::vector<SharedBytes> inflight_;  // held until the write completes
  std::vector<boost::asio::const_buffer> iov_;
  std::size_t queued_bytes_ = 0;
  char chunk_head_[24];
  bool writing_ = false;
  bool head_pending_ = false;
  bool ending_ = false;
  bool terminator_sent_ = false;
  bool wrote_since_keepalive_ = false;
  std::function<void()> on_close_;
};

}  // namespace herald::http
