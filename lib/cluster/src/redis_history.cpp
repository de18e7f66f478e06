#include "herald/cluster/redis_history.hpp"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <thread>

#include "herald/base/log.hpp"
#include "herald/base/log_limiter.hpp"
#include "herald/base/uuid.hpp"
#include "herald/store/update_record.hpp"
#include "redis_connection.hpp"
#include "stream_id.hpp"
#include "subscriber_directory.hpp"

namespace herald::cluster {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// Entries per XREAD: large enough that a node catching up reads in few round trips,
// small enough that one reply stays a few megabytes.
constexpr std::size_t kReadBatch = 1000;
// A read that returns fewer than kReadBatch entries returned everything after the last
// one delivered only when the stream keeps at least that many (see read_tail).
static_assert(kReadBatch <= kMinStreamLength);
// How long one XREAD waits for new entries; the watchdog allows this much more.
constexpr std::chrono::milliseconds kBlock{2000};
constexpr std::chrono::milliseconds kWatchdogPeriod{250};
constexpr std::chrono::milliseconds kFirstBackoff{100};
// How often each node trims the stream of what --history-max-age let go of.
constexpr std::chrono::milliseconds kTrimPeriod{1000};

std::string_view text_of(const redisReply* r) {
  return {r->str, r->len};
}

// The entries of an XREAD reply ([[key, [[id, [field, value, ...]], ...]]]), or null when
// it brought none (nil).
const redisReply* entries_of(const redisReply* read) {
  if (read->type == REDIS_REPLY_ARRAY && read->elements == 1 &&
      read->element[0]->type == REDIS_REPLY_ARRAY && read->element[0]->elements == 2)
    return read->element[0]->element[1];
  return nullptr;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class RedisHistory::Node {
 public:
  explicit Node(RedisOptions o)
      : options(std::move(o)),
        max_len(std::to_string(std::max(options.limits.max_events, kMinStreamLength))),
        max_age_ms(std::chrono::duration_cast<std::chrono::milliseconds>(options.max_age).count()),
        mirror(options.limits) {
    thread = std::thread([this] { io.run(); });
  }

  ~Node() {
    asio::post(io, [this] {
      closing = true;
      stop_when_answered(Clock::now() + options.command_timeout);
    });
    thread.join();
  }

  // --- any thread ---

  void start(std::function<void(const hub::UpdatePtr&)> to_hub, std::function<void()> loss) {
    asio::post(io, [this, to_hub = std::move(to_hub), loss = std::move(loss)]() mutable {
      deliver = std::move(to_hub);
      lost = std::move(loss);
      log::info("cluster: connecting to Redis",
                {{"url", options.address.url()}, {"stream", options.stream_key}});
      connect_commands();
      connect_tail();
      arm_watchdog();
    });
  }

  void append(std::string record, hub::AppendDone done) {
    asio::post(io, [this, record = std::move(record), done = std::move(done)] {
      auto finish = [done](hub::AppendResult result) {
        if (done) done(std::move(result));
      };
      if (closing) return finish({"the hub is stopping"});
      if (!commands.is_up() || !has_read_stream()) return finish({availability().reason});
      commands.command(
          {"XADD", options.stream_key, "MAXLEN", "~", max_len, "*", "u", record},
          [finish](const redisReply* reply) {
            if (reply == nullptr) {
              // Sent, and then the connection went (or the watchdog gave up on it): Redis
              // may have run it, or may still (a frozen Redis runs what it had read).
              finish({"Redis did not confirm the update before the connection to it ended",
                      /*outcome_unknown=*/true});
            } else if (reply->type == REDIS_REPLY_ERROR) {
              finish({"Redis refused it: " + std::string(text_of(reply))});
            } else {
              finish({});
            }
          });
    });
  }

  void catch_up(std::function<void(bool)> done) {
    asio::post(io, [this, done = std::move(done)]() mutable {
      // Without Redis this node cannot learn what the others delivered that it has not
      // read: it cannot tell whether an id it does not hold is gone.
      if (closing || !commands.is_up()) return done(false);
      commands.command({"XREVRANGE", options.stream_key, "+", "-", "COUNT", "1"},
                       [this, done](const redisReply* reply) {
                         if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY)
                           return done(false);
                         std::optional<StreamId> newest;
                         if (reply->elements == 1 && reply->element[0]->elements == 2)
                           newest = parse_stream_id(text_of(reply->element[0]->element[0]));
                         if (!newest || *newest <= last_delivered) return done(true);
                         waiters.push_back({*newest, done, Clock::now()});
                       });
    });
  }

  void list(std::string key, std::string value) {
    asio::post(io, [this, key = std::move(key), value = std::move(value)]() mutable {
      directory.put(key, std::move(value));
    });
  }
  void unlist(std::string key) {
    asio::post(io, [this, key = std::move(key)] { directory.erase(key); });
  }
  void watch_departures(SubscriberDirectory::Departed departed, std::function<void()> reinstated) {
    asio::post(
        io, [this, departed = std::move(departed), reinstated = std::move(reinstated)]() mutable {
          directory.on_departures(std::move(departed), std::move(reinstated));
        });
  }
  void read_lists(ListDone done) {
    asio::post(io, [this, done = std::move(done)] {
      if (closing) return done(std::nullopt, "the hub is stopping");
      directory.read_all(done);
    });
  }

  Availability availability() const {
    std::lock_guard lock(state_mutex);
    Availability a;
    a.subscribes = stream_read;
    a.appends = stream_read && commands_up;
    if (!stream_read) {
      a.reason = tail_down_reason.empty()
                     ? "reading the Redis stream at " + options.address.url()
                     : "Redis at " + options.address.url() + " is unreachable: " + tail_down_reason;
    } else if (!commands_up) {
      a.reason = "Redis at " + options.address.url() + " is unreachable: " + commands_down_reason;
    }
    return a;
  }

  Stats stats() const {
    Stats out;
    {
      std::lock_guard lock(state_mutex);
      out.commands_connected = commands_up;
    }
    out.tail_connected = tail_up.load(std::memory_order_relaxed);
    out.entries_read = entries_read.load(std::memory_order_relaxed);
    out.skipped = skipped.load(std::memory_order_relaxed);
    out.reconnects = reconnects.load(std::memory_order_relaxed);
    out.gaps = gaps.load(std::memory_order_relaxed);
    out.lag_seconds = lag_seconds.load(std::memory_order_relaxed);
    return out;
  }

  RedisOptions options;
  const std::string max_len;      // XADD's MAXLEN ~ argument
  const std::int64_t max_age_ms;  // 0: no age bound
  const std::string read_batch_text = std::to_string(kReadBatch);
  const std::string block_text = std::to_string(kBlock.count());
  mutable std::mutex mirror_mutex;
  store::MemoryHistory mirror;  // guarded by mirror_mutex
  // With an age bound: the seq and stream time (ms) of each update the mirror holds,
  // oldest first (guarded by mirror_mutex).
  std::deque<std::pair<std::uint64_t, std::int64_t>> ages;

 private:
  bool has_read_stream() const {
    std::lock_guard lock(state_mutex);
    return stream_read;
  }

  void connect_commands() {
    commands.connect(
        [this] {
          if (commands_attempts > 0)
            log::info("cluster: Redis command connection is up", {{"url", options.address.url()}});
          if (std::exchange(commands_was_up, true))
            reconnects.fetch_add(1, std::memory_order_relaxed);
          commands_attempts = 0;
          directory.write_all();
          std::lock_guard lock(state_mutex);
          commands_up = true;
          commands_down_reason.clear();
        },
        [this](const std::string& reason) {
          {
            std::lock_guard lock(state_mutex);
            commands_up = false;
            commands_down_reason = reason;
          }
          if (commands_attempts == 0)
            log::warn("cluster: Redis command connection lost, reconnecting",
                      {{"url", options.address.url()}, {"reason", reason}});
          retry(commands_retry, commands_attempts, [this] { connect_commands(); });
        });
  }

  void connect_tail() {
    tail.connect(
        [this] {
          if (tail_attempts > 0)
            log::info("cluster: Redis is up, reading the stream from the last entry delivered",
                      {{"after", last_delivered.text()}});
          if (std::exchange(tail_was_up, true)) reconnects.fetch_add(1, std::memory_order_relaxed);
          tail_up.store(true, std::memory_order_relaxed);
          tail_attempts = 0;
          caught_up = false;
          {
            std::lock_guard lock(state_mutex);
            tail_down_reason.clear();
          }
          read_tail();
        },
        [this](const std::string& reason) {
          caught_up = false;
          tail_up.store(false, std::memory_order_relaxed);
          {
            std::lock_guard lock(state_mutex);
            tail_down_reason = reason;
          }
          if (tail_attempts == 0)
            log::warn("cluster: Redis stream reader lost, reconnecting",
                      {{"url", options.address.url()}, {"reason", reason}});
          retry(tail_retry, tail_attempts, [this] { connect_tail(); });
        });
  }

  void retry(asio::steady_timer& timer, int& attempts, std::function<void()> again) {
    if (closing) return;
    const auto delay = std::min<std::chrono::milliseconds>(
        kFirstBackoff * (1 << std::min(attempts, 10)), options.max_backoff);
    ++attempts;
    timer.expires_after(delay);
    timer.async_wait([this, again = std::move(again)](const boost::system::error_code& ec) {
      if (!ec && !closing) again();
    });
  }

  // A checked read (MULTI, XINFO STREAM, XREAD, EXEC) says atomically how many entries
  // the stream ever had and how many it holds, so the node knows the number of every entry
  // it reads, and sees when Redis let go of entries it had not read yet (a gap). It reads
  // until caught up. Then:
  // - Without an age bound the stream never holds fewer than kMinStreamLength entries
  //   (MAXLEN ~ trims only down to that many), so a read that returns fewer than
  //   kReadBatch entries after the last one delivered returned all that follows it:
  //   nothing was let go of unread. The node reads on with a plain blocking XREAD, one
  //   command per wake; only a full batch, which could follow a gap, is read again, checked.
  // - With one (--history-max-age) the stream may hold fewer: the blocking XREAD only
  //   waits, and what it finds is read again, checked.
  void read_tail() {
    const std::string after = last_delivered.text();
    if (caught_up) {
      tail.command({"XREAD", "COUNT", max_age_ms == 0 ? read_batch_text : "1", "BLOCK", block_text,
                    "STREAMS", options.stream_key, after},
                   [this](const redisReply* reply) { on_wake(reply); });
      return;
    }
    tail.command({"MULTI"}, {});
    tail.command({"XINFO", "STREAM", options.stream_key}, {});
    tail.command({"XREAD", "COUNT", read_batch_text, "STREAMS", options.stream_key, after}, {});
    tail.command({"EXEC"}, [this](const redisReply* reply) { on_read(reply); });
  }

  void on_wake(const redisReply* reply) {
    if (reply == nullptr || closing) return;  // gone: its lost handler reconnects
    if (reply->type == REDIS_REPLY_ERROR) return on_tail_error(text_of(reply));
    const redisReply* list = entries_of(reply);
    const std::size_t entries = list != nullptr ? list->elements : 0;
    // Read again, checked: a full batch, anything with an age bound, and the first entries
    // of a stream that did not exist at the last checked read (no position yet).
    if (entries >= kReadBatch || (entries > 0 && (max_age_ms != 0 || !position))) {
      caught_up = false;
    } else if (entries > 0) {
      *position += entries;
      for (std::size_t i = 0; i < entries; ++i)
        take(list->element[i]);
      release_waiters();
    }
    read_tail();
  }

  void on_tail_error(std::string_view text) {
    std::string error(text);
    if (error.starts_with("LOADING")) {
      // A restarted Redis answers before it has read its AOF back: ask again shortly.
      tail_retry.expires_after(kFirstBackoff);
      tail_retry.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !closing && tail.is_up()) read_tail();
      });
      return;
    }
    log::error("cluster: reading the Redis stream failed",
               {{"stream", options.stream_key}, {"error", error}});
    asio::post(io, [this, error] { tail.drop(error); });
  }

  // The EXEC of a checked read: [XINFO STREAM's answer, XREAD's answer].
  void on_read(const redisReply* reply) {
    if (reply == nullptr || closing) return;
    if (reply->type == REDIS_REPLY_ERROR) return on_tail_error(text_of(reply));
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
      return on_tail_error("an unexpected answer to MULTI/EXEC");
    const redisReply* read = reply->element[1];
    if (read->type == REDIS_REPLY_ERROR) return on_tail_error(text_of(read));
    const redisReply* list = entries_of(read);
    const std::size_t entries = list != nullptr ? list->elements : 0;
    if (auto counts = counts_of(reply->element[0])) check_position(*counts, entries);
    for (std::size_t i = 0; i < entries; ++i)
      take(list->element[i]);
    if (!caught_up && entries < kReadBatch) {
      caught_up = true;
      std::lock_guard lock(state_mutex);
      if (!stream_read) {
        stream_read = true;
        log::info("cluster: read the Redis stream, serving",
                  {{"url", options.address.url()},
                   {"held", std::to_string(mirror_size())},
                   {"last", last_delivered.text()}});
      }
    }
    release_waiters();
    read_tail();
  }

  struct StreamCounts {
    std::uint64_t added = 0;   // entries ever added (entries-added)
    std::uint64_t length = 0;  // entries held now
  };
  // From XINFO STREAM's answer (pairs of name and value); none when the stream does not
  // exist yet (an error) or the Redis is older than 7.0 (no entries-added).
  static std::optional<StreamCounts> counts_of(const redisReply* info) {
    if (info->type != REDIS_REPLY_ARRAY) return std::nullopt;
    std::optional<std::uint64_t> added, length;
    for (std::size_t i = 0; i + 1 < info->elements; i += 2) {
      const redisReply* value = info->element[i + 1];
      if (value->type != REDIS_REPLY_INTEGER || value->integer < 0) continue;
      const std::string_view name = text_of(info->element[i]);
      if (name == "entries-added") added = static_cast<std::uint64_t>(value->integer);
      if (name == "length") length = static_cast<std::uint64_t>(value->integer);
    }
    if (!added || !length || *length > *added) return std::nullopt;
    return StreamCounts{*added, *length};
  }

  // Entries are numbered 1, 2, ... in the order they were added; the stream holds those
  // above added - length (herald only trims from the oldest; a foreign XDEL would break
  // this count). The node's position is the number of the last entry it read.
  void check_position(StreamCounts counts, std::size_t read_now) {
    const std::uint64_t first_held = counts.added - counts.length;  // the last one let go
    if (!position) {
      position = first_held;  // starting: what Redis let go of was never this node's
    } else if (*position < first_held) {
      report_gap(*position, first_held);
      position = first_held;
    } else if (*position > counts.added) {
      // The stream is younger than this node's position: Redis lost it (a restart without
      // persistence) or someone recreated it. What it lost, the node cannot tell.
      log::warn(
          "cluster: the Redis stream has fewer entries than this node has read; Redis "
          "lost data or the stream was recreated",
          {{"stream", options.stream_key},
           {"read", std::to_string(*position)},
           {"ever_added", std::to_string(counts.added)}});
      position = first_held;
    }
    *position += read_now;
  }

  // The stream let go of entries this node had not read (it fell further behind than the
  // stream keeps): its subscribers are told (herald-reset), and so are resumes from any
  // id it held, since what followed them is incomplete here.
  void report_gap(std::uint64_t read, std::uint64_t let_go_up_to) {
    gaps.fetch_add(1, std::memory_order_relaxed);
    log::error(
        "cluster: Redis let go of stream entries before this node read them; its "
        "subscribers get herald-reset",
        {{"stream", options.stream_key},
         {"after", last_delivered.text()},
         {"missed", std::to_string(let_go_up_to - read)}});
    {
      std::lock_guard lock(mirror_mutex);
      mirror.forget_all();
      ages.clear();
    }
    lost();
  }

  // One stream entry: kept in the mirror with the next seq, then handed to the hub.
  void take(const redisReply* entry) {
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) return;
    auto id = parse_stream_id(text_of(entry->element[0]));
    if (!id) return;
    last_delivered = *id;
    entries_read.fetch_add(1, std::memory_order_relaxed);
    // Lag only once the node serves: what it reads at start is history, not lag. (Only
    // this thread writes stream_read, so it reads it without the lock.)
    if (stream_read) {
      const auto waited_ms = now_ms() - static_cast<std::int64_t>(id->ms);
      lag_seconds.store(waited_ms > 0 ? static_cast<double>(waited_ms) / 1000.0 : 0.0,
                        std::memory_order_relaxed);
    }
    const redisReply* fields = entry->element[1];
    std::optional<store::RecordView> record;
    for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (text_of(fields->element[f]) == "u")
        record = store::decode_record(text_of(fields->element[f + 1]));
    }
    if (!record) {
      skipped.fetch_add(1, std::memory_order_relaxed);
      // Another program writing to the stream must not flood the log: a line a minute.
      if (std::uint64_t suppressed = 0; skip_log.allow(Clock::now(), suppressed)) {
        log::warn("cluster: skipped a stream entry herald did not write",
                  {{"stream", options.stream_key},
                   {"entry", id->text()},
                   {"skipped_since_last_line", std::to_string(suppressed)}});
      }
      return;
    }
    hub::UpdatePtr update;
    {
      std::lock_guard lock(mirror_mutex);
      update = store::to_update(*record, mirror.next_seq());
      mirror.append(update, {});
      if (max_age_ms != 0) {
        // Forget the ages of what the count and byte bounds let go of: ages stays as long
        // as the mirror.
        const std::uint64_t oldest = mirror.oldest_seq();
        while (!ages.empty() && ages.front().first < oldest)
          ages.pop_front();
        ages.emplace_back(update->seq, static_cast<std::int64_t>(id->ms));
        expire_locked(now_ms());
      }
    }
    deliver(update);
  }

  // Lets go of what is older than --history-max-age, except the newest (kept like the
  // LMDB store keeps it: a client resuming from it missed nothing). Under mirror_mutex.
  void expire_locked(std::int64_t now) {
    std::optional<std::uint64_t> through;
    while (ages.size() > 1 && ages.front().second <= now - max_age_ms) {
      through = ages.front().first;
      ages.pop_front();
    }
    if (through) mirror.forget_through(*through);
  }

  // Trims the stream of entries older than --history-max-age, up to the newest this node
  // read, which stays (as in the mirror). Every node trims: XTRIM is idempotent, and the
  // stream stays bounded while any node lives.
  void trim_by_age() {
    if (trimming || !commands.is_up() || last_delivered == StreamId{}) return;
    const auto cutoff = static_cast<std::uint64_t>(now_ms() - max_age_ms);
    const StreamId min_id = last_delivered.ms < cutoff ? last_delivered : StreamId{cutoff, 0};
    trimming = commands.command(
        {"XTRIM", options.stream_key, "MINID", min_id.text()}, [this](const redisReply* r) {
          trimming = false;
          std::uint64_t suppressed = 0;
          if (r != nullptr && r->type == REDIS_REPLY_ERROR &&
              trim_log.allow(Clock::now(), suppressed))
            log::warn("cluster: trimming the Redis stream by age failed",
                      {{"stream", options.stream_key}, {"error", std::string(text_of(r))}});
        });
  }

  std::size_t mirror_size() const {
    std::lock_guard lock(mirror_mutex);
    return mirror.size();
  }

  void release_waiters() {
    std::erase_if(waiters, [this](Waiter& w) {
      if (w.target > last_delivered) return false;
      w.done(true);
      return true;
    });
  }

  void arm_watchdog() {
    watchdog.expires_after(kWatchdogPeriod);
    watchdog.async_wait([this](const boost::system::error_code& ec) {
      if (ec || closing) return;
      const auto now = Clock::now();
      if (auto since = commands.waiting_since(); since && now - *since > options.command_timeout)
        commands.drop("no answer from Redis in " + std::to_string(options.command_timeout.count()) +
                      " ms");
      // The reader's XREAD may block for kBlock before Redis answers; its connect may not.
      const auto tail_limit =
          tail.is_up() ? options.command_timeout + kBlock : options.command_timeout;
      if (auto since = tail.waiting_since(); since && now - *since > tail_limit)
        tail.drop("no answer from Redis in " +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(tail_limit).count()) +
                  " ms");
      if (max_age_ms != 0) {
        {
          std::lock_guard lock(mirror_mutex);
          expire_locked(now_ms());
        }
        if (now - trimmed >= kTrimPeriod) {
          trim_by_age();
          trimmed = now;
        }
      }
      if (now - directory_refreshed >= options.node_expiry / 3) {
        directory.refresh();
        directory_refreshed = now;
      }
      // A resume waits no longer than a command would.
      std::erase_if(waiters, [&](Waiter& w) {
        if (now - w.since <= options.command_timeout) return false;
        w.done(false);
        return true;
      });
      arm_watchdog();
    });
  }

  // Stops the thread once the appends sent have their replies (or at the deadline).
  void stop_when_answered(Clock::time_point deadline) {
    if (!withdrawn) {
      directory.withdraw();  // this node's subscribers leave every listing now
      withdrawn = true;
    }
    if (!commands.awaiting_replies() || Clock::now() >= deadline) {
      work.reset();
      io.stop();
      return;
    }
    closing_timer.expires_after(std::chrono::milliseconds(10));
    closing_timer.async_wait(
        [this, deadline](const boost::system::error_code&) { stop_when_answered(deadline); });
  }

  struct Waiter {
    StreamId target;  // the newest entry when the resume asked
    std::function<void(bool)> done;
    Clock::time_point since;
  };

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  // The Redis thread's (below, up to `thread`):
  RedisConnection commands{io, options.address, "commands"};
  RedisConnection tail{io, options.address, "tail"};
  SubscriberDirectory directory{commands, options.stream_key,
                                random_urn_uuid().substr(sizeof "urn:uuid:" - 1),
                                options.node_expiry};
  Clock::time_point directory_refreshed = Clock::now();
  Clock::time_point trimmed = Clock::now();
  bool trimming = false;  // an XTRIM waits for its reply
  log::LineLimiter trim_log{std::chrono::minutes(1)};
  bool withdrawn = false;
  asio::steady_timer watchdog{io}, commands_retry{io}, tail_retry{io}, closing_timer{io};
  int commands_attempts = 0, tail_attempts = 0;
  bool commands_was_up = false, tail_was_up = false;  // a connection up again is a reconnect
  std::function<void(const hub::UpdatePtr&)> deliver;
  std::function<void()> lost;  // the hub's: updates before the next were let go of
  StreamId last_delivered;     // the newest entry handed to the hub (0-0: none)
  // The number of the last entry read (see check_position); none until the first read.
  std::optional<std::uint64_t> position;
  bool caught_up = false;  // the tail read to the end since it last connected
  bool closing = false;
  std::vector<Waiter> waiters;
  log::LineLimiter skip_log{std::chrono::minutes(1)};

  // For stats(): written by the Redis thread, read by any.
  std::atomic<bool> tail_up{false};
  std::atomic<std::uint64_t> entries_read{0}, skipped{0}, reconnects{0}, gaps{0};
  std::atomic<double> lag_seconds{0};

  mutable std::mutex state_mutex;  // guards the four below (written on the Redis thread)
  bool stream_read = false;        // read to the end once: the node serves
  bool commands_up = false;
  std::string commands_down_reason, tail_down_reason;

  std::thread thread;  // last: runs io once everything above exists
};

RedisHistory::RedisHistory(RedisOptions options)
    : node_(std::make_unique<Node>(std::move(options))) {}

RedisHistory::~RedisHistory() = default;

void RedisHistory::deliver_to(std::function<void(const hub::UpdatePtr&)> deliver,
                              std::function<void()> lost) {
  node_->start(std::move(deliver), std::move(lost));
}

bool RedisHistory::append(const hub::UpdatePtr& update, hub::AppendDone done) {
  auto record = store::encode_record(*update, now_ms());
  if (!record) {
    if (done) done({"the update is too large to store"});
    return false;
  }
  node_->append(std::move(*record), std::move(done));
  return false;
}

hub::ResumePoint RedisHistory::resume_point(std::string_view last_event_id) const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.resume_point(last_event_id);
}

std::uint64_t RedisHistory::read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                                 std::vector<hub::UpdatePtr>& out) const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.read(after_seq, up_to_seq, max, out);
}

std::uint64_t RedisHistory::oldest_seq() const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.oldest_seq();
}

std::uint64_t RedisHistory::next_seq() const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.next_seq();
}

std::optional<std::string> RedisHistory::newest_id() const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.newest_id();
}

std::size_t RedisHistory::size() const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.size();
}

std::size_t RedisHistory::bytes() const {
  std::lock_guard lock(node_->mirror_mutex);
  return node_->mirror.bytes();
}

hub::History::Availability RedisHistory::availability() const {
  return node_->availability();
}

void RedisHistory::catch_up(std::function<void(bool)> done) {
  node_->catch_up(std::move(done));
}

RedisHistory::Stats RedisHistory::stats() const {
  return node_->stats();
}

void RedisHistory::list_subscriber(std::string key, std::string value) {
  node_->list(std::move(key), std::move(value));
}

void RedisHistory::unlist_subscriber(std::string key) {
  node_->unlist(std::move(key));
}

void RedisHistory::watch_departures(std::function<void(std::vector<std::string>)> departed,
                                    std::function<void()> reinstated) {
  node_->watch_departures(std::move(departed), std::move(reinstated));
}

void RedisHistory::read_subscriber_lists(ListDone done) {
  node_->read_lists(std::move(done));
}

}  // namespace herald::cluster
