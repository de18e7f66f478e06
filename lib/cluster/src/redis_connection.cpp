#include "redis_connection.hpp"

#include <boost/asio/post.hpp>

namespace herald::cluster {

namespace asio = boost::asio;

namespace {

RedisConnection& self_of(void* p) {
  return *static_cast<RedisConnection*>(p);
}

}  // namespace

RedisConnection::RedisConnection(asio::io_context& io, RedisAddress address, std::string name)
    : io_(io), address_(std::move(address)), name_(std::move(name)) {}

RedisConnection::~RedisConnection() {
  on_lost_ = nullptr;
  on_up_ = nullptr;
  if (ac_ != nullptr) redisAsyncFree(ac_);  // pending commands get a null reply
}

void RedisConnection::connect(std::function<void()> up, LostHandler lost) {
  on_up_ = std::move(up);
  on_lost_ = std::move(lost);
  drop_reason_.clear();
  connecting_since_ = std::chrono::steady_clock::now();
  ac_ = redisAsyncConnect(address_.host.c_str(), address_.port);
  if (ac_ == nullptr || ac_->err != 0) {
    std::string reason = ac_ == nullptr ? "out of memory" : ac_->errstr;
    if (ac_ != nullptr) redisAsyncFree(ac_);
    ac_ = nullptr;
    // Not from inside connect(): the caller may be about to record that it connects.
    asio::post(io_, [this, reason] { lose(reason); });
    return;
  }
  ac_->data = this;
  socket_.emplace(io_, ac_->c.fd);
  ac_->ev.data = this;
  ac_->ev.addRead = add_read;
  ac_->ev.delRead = del_read;
  ac_->ev.addWrite = add_write;
  ac_->ev.delWrite = del_write;
  ac_->ev.cleanup = cleanup;
  // After the hooks: setting the connect callback asks for the first write readiness,
  // which is how hiredis learns that the non-blocking connect finished.
  redisAsyncSetConnectCallback(ac_, on_connect);
  redisAsyncSetDisconnectCallback(ac_, on_disconnect);
}

void RedisConnection::on_connect(const redisAsyncContext* ac, int status) {
  RedisConnection& self = self_of(ac->data);
  if (status != REDIS_OK) {
    // hiredis frees the context when this returns (cleanup runs, on_disconnect does not).
    std::string reason = ac->errstr;
    self.ac_ = nullptr;
    asio::post(self.io_, [&self, reason] { self.lose(reason); });
    return;
  }
  if (self.address_.password.empty()) return self.select();
  std::vector<std::string_view> auth{"AUTH"};
  if (!self.address_.username.empty()) auth.push_back(self.address_.username);
  auth.push_back(self.address_.password);
  self.send(auth, [&self](const redisReply* reply) {
    if (reply == nullptr) return;  // lost: on_disconnect says so
    if (reply->type == REDIS_REPLY_ERROR) {
      // Redis's refusal names no password (e.g. WRONGPASS invalid username-password pair).
      std::string reason = "AUTH: " + std::string(reply->str, reply->len);
      asio::post(self.io_, [&self, reason] { self.drop(reason); });
      return;
    }
    self.select();
  });
}

void RedisConnection::select() {
  // Up once Redis has answered: a frozen Redis (SIGSTOP) still completes TCP connects
  // from its listen backlog, and must not look reachable. SELECT answers that and picks
  // the database at once.
  send({"SELECT", std::to_string(address_.db)}, [this](const redisReply* reply) {
    if (reply == nullptr) return;  // lost: on_disconnect says so
    if (reply->type == REDIS_REPLY_ERROR) {
      std::string reason =
          "SELECT " + std::to_string(address_.db) + ": " + std::string(reply->str, reply->len);
      asio::post(io_, [this, reason] { drop(reason); });
      return;
    }
    up_ = true;
    if (on_up_) on_up_();
  });
}

void RedisConnection::on_disconnect(const redisAsyncContext* ac, int status) {
  RedisConnection& self = self_of(ac->data);
  std::string reason = status == REDIS_OK
                           ? (self.drop_reason_.empty() ? "closed" : self.drop_reason_)
                       : ac->errstr[0] != '\0' ? ac->errstr
                                               : "connection lost";
  // hiredis frees the context when this returns.
  self.ac_ = nullptr;
  asio::post(self.io_, [&self, reason] { self.lose(reason); });
}

void RedisConnection::lose(const std::string& reason) {
  ac_ = nullptr;
  up_ = false;
  if (on_lost_) {
    auto lost = std::move(on_lost_);
    on_lost_ = nullptr;
    lost(reason);
  }
}

void RedisConnection::drop(const std::string& reason) {
  if (ac_ == nullptr) return;
  drop_reason_ = reason;
  const bool connected = (ac_->c.flags & REDIS_CONNECTED) != 0;
  redisAsyncFree(ac_);  // pending commands get a null reply; on_disconnect when connected
  if (!connected) {
    ac_ = nullptr;
    asio::post(io_, [this, reason] { lose(reason); });
  }
}

bool RedisConnection::command(const std::vector<std::string_view>& args, ReplyHandler done) {
  if (!up_) return false;
  return send(args, std::move(done));
}

bool RedisConnection::send(const std::vector<std::string_view>& args, ReplyHandler done) {
  if (ac_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  if (redisAsyncCommandArgv(ac_, on_reply, this, static_cast<int>(argv.size()), argv.data(),
                            lengths.data()) != REDIS_OK)
    return false;
  pending_.push_back({std::move(done), std::chrono::steady_clock::now()});
  return true;
}

void RedisConnection::on_reply(redisAsyncContext*, void* reply, void* privdata) {
  RedisConnection& self = self_of(privdata);
  // Redis answers in order, and hiredis calls back in order (with null for each command
  // still waiting when the connection goes).
  Pending pending = std::move(self.pending_.front());
  self.pending_.pop_front();
  if (pending.done) pending.done(static_cast<const redisReply*>(reply));
}

std::optional<std::chrono::steady_clock::time_point> RedisConnection::waiting_since() const {
  if (ac_ != nullptr && !up_) return connecting_since_;
  if (pending_.empty()) return std::nullopt;
  return pending_.front().sent;
}

void RedisConnection::add_read(void* p) {
  RedisConnection& self = self_of(p);
  self.want_read_ = true;
  self.wait_readable();
}

void RedisConnection::del_read(void* p) {
  self_of(p).want_read_ = false;
}

void RedisConnection::add_write(void* p) {
  RedisConnection& self = self_of(p);
  self.want_write_ = true;
  self.wait_writable();
}

void RedisConnection::del_write(void* p) {
  self_of(p).want_write_ = false;
}

void RedisConnection::cleanup(void* p) {
  RedisConnection& self = self_of(p);
  ++self.generation_;
  self.want_read_ = self.want_write_ = false;
  self.reading_ = self.writing_ = false;
  // hiredis closes the fd itself: let go of it without closing (the waits end aborted).
  if (self.socket_) self.socket_->release();
  self.socket_.reset();
}

void RedisConnection::wait_readable() {
  if (reading_ || !socket_) return;
  reading_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                      [this, gen = generation_](const boost::system::error_code& ec) {
                        if (gen != generation_) return;  // an older socket's wait
                        reading_ = false;
                        if (ec || !want_read_ || ac_ == nullptr) return;
                        redisAsyncHandleRead(ac_);  // may free the context (cleanup bumps gen)
                        if (gen == generation_ && want_read_) wait_readable();
                      });
}

void RedisConnection::wait_writable() {
  if (writing_ || !socket_) return;
  writing_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                      [this, gen = generation_](const boost::system::error_code& ec) {
                        if (gen != generation_) return;
                        writing_ = false;
                        if (ec || !want_write_ || ac_ == nullptr) return;
                        redisAsyncHandleWrite(ac_);
                        if (gen == generation_ && want_write_) wait_writable();
                      });
}

}  // namespace herald::cluster
