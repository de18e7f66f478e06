#pragma once
// One hiredis asynchronous connection driven by an Asio io_context: our adapter between
// hiredis's event hooks (addRead, addWrite, ...) and Asio's readiness waits on its socket.
// Everything runs on the io_context's one thread, which must call every member.
//
// hiredis 0.14 has no timeouts of its own: the owner bounds how long a command or a
// connect may wait (see waiting_since) and drops a connection that stalls.
#include <hiredis/async.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/redis_address.hpp"

namespace herald::cluster {

class RedisConnection {
 public:
  // A command's reply: null when the connection failed or closed before it came (the
  // reply lives only during the call).
  using ReplyHandler = std::function<void(const redisReply* reply)>;
  // The connection is gone (or never came up), with the reason.
  using LostHandler = std::function<void(const std::string& reason)>;

  RedisConnection(boost::asio::io_context& io, RedisAddress address, std::string name);
  // Closes it; pending commands get a null reply. Only once the io_context no longer runs
  // (handlers it still holds name this object).
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Starts connecting (and SELECTs the database): `up` once it can take commands, or
  // `lost` if it cannot; later, `lost` once when it drops. Call again only after `lost`.
  void connect(std::function<void()> up, LostHandler lost);
  bool is_up() const { return up_; }
  // Sends a command (its arguments as they are, binary-safe). False when not connected:
  // then `done` is not called.
  bool command(const std::vector<std::string_view>& args, ReplyHandler done);
  // Closes the connection now: pending commands get a null reply, and `lost` is called.
  // Not from inside a reply handler.
  void drop(const std::string& reason);
  // Since when it has been waiting for Redis: for the oldest command still without its
  // reply, or for a connection still coming up; none when it waits for nothing.
  std::optional<std::chrono::steady_clock::time_point> waiting_since() const;
  // Whether a command sent still waits for its reply.
  bool awaiting_replies() const { return !pending_.empty(); }
  const std::string& name() const { return name_; }

 private:
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);
  bool send(const std::vector<std::string_view>& args, ReplyHandler done);
  // After AUTH, if any: SELECTs the database; the connection is up once Redis answers.
  void select();
  void wait_readable();
  void wait_writable();
  void lose(const std::string& reason);

  boost::asio::io_context& io_;
  RedisAddress address_;
  std::string name_;
  redisAsyncContext* ac_ = nullptr;                              // null when not connected
  std::optional<boost::asio::posix::stream_descriptor> socket_;  // views ac_'s fd, never closes it
  // Bumped when hiredis lets go of a socket: a wait of an older socket does nothing.
  std::uint64_t generation_ = 0;
  bool want_read_ = false, reading_ = false;
  bool want_write_ = false, writing_ = false;
  bool up_ = false;
  std::chrono::steady_clock::time_point connecting_since_;  // while ac_ && !up_
  std::string drop_reason_;                                 // why drop() closed it, for `lost`
  std::function<void()> on_up_;
  LostHandler on_lost_;
  // One per command sent, in order: Redis replies in order.
  struct Pending {
    ReplyHandler done;
    std::chrono::steady_clock::time_point sent;
  };
  std::deque<Pending> pending_;
};

}  // namespace herald::cluster
