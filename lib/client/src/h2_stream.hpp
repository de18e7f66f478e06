#pragma once
// An exchange as one stream on an HTTP/2 connection, which it may share with other
// sources: maps what the stream does to what an HTTP/1.1 exchange would report.
#include <memory>

#include "exchange.hpp"
#include "h2_connection.hpp"

namespace herald::client::detail {

class H2Stream : public Exchange,
                 public H2Connection::StreamHandler,
                 public std::enable_shared_from_this<H2Stream> {
 public:
  H2Stream(std::shared_ptr<H2Connection> connection, ExchangeEvents events);

  // Opens the stream; reports a failure when the connection takes no new stream.
  void start(const ExchangeRequest& request);
  void cancel() override;

  void on_head(const H2ResponseHead& head) override;
  void on_data(std::string_view bytes) override;
  void on_closed(std::uint32_t code) override;
  void on_lost(const std::string& why) override;

 private:
  void end(ExchangeEnd how);

  std::shared_ptr<H2Connection> connection_;
  ExchangeEvents events_;
  std::int32_t stream_id_ = -1;
  bool head_seen_ = false;
  bool over_ = false;
};

}  // namespace herald::client::detail
