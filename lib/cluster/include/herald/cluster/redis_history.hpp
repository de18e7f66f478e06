#pragma once
// Several herald nodes, one hub: a Redis stream is both their bus and their shared
// history (the `--store redis://` of `herald serve`).
//
// A publish on any node is an XADD (the publisher is answered once Redis has it); every
// node tails the stream (XREAD BLOCK) and hands each entry, its own and the others',
// to its shards in the one stream order. Each node also keeps the newest entries in
// memory, bounded like the memory store, so a subscriber resumes on any node from the
// same ids, and a resume reads no network. See docs/CLUSTER.md.
//
// Its own thread runs two Redis connections: one for commands, one that blocks reading
// the stream. When Redis goes away both reconnect with backoff; appends meanwhile fail
// (the publisher gets a 503, or a 504 for one sent and never confirmed), and the tail
// resumes from the last entry it delivered. A node that finds Redis let go of entries it
// had not read yet (it fell further behind than the stream keeps) tells the hub (lost).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herald/cluster/redis_address.hpp"
#include "herald/hub/history.hpp"
#include "herald/store/memory_history.hpp"

namespace herald::cluster {

struct RedisOptions {
  RedisAddress address;
  std::string stream_key = "herald:events";
  // What each node holds in memory to serve resumes. The stream keeps about as many
  // entries (XADD MAXLEN ~, at least kMinStreamLength so that a node that pauses briefly
  // can still read what it missed).
  store::HistoryLimits limits;
  // --history-max-age (0: none): each node lets go of what it holds that is older, and
  // trims the stream of it (XTRIM MINID ~, every second). Ages are Redis's clock against
  // each node's: machines must keep their clocks in sync.
  std::chrono::seconds max_age{0};
  // A command with no reply by then drops its connection (hiredis has no timeouts).
  std::chrono::milliseconds command_timeout{3000};
  // The longest wait between two reconnection attempts (the first waits 100 ms, each
  // next one twice as long).
  std::chrono::milliseconds max_backoff{2000};
  // How long after a node's last sign of life (it announces itself every third of this)
  // the others take it for departed: its subscribers leave the listing, and one node
  // publishes their "inactive" events.
  std::chrono::milliseconds node_expiry{15000};
};

inline constexpr std::size_t kMinStreamLength = 1000;

class RedisHistory final : public hub::History {
 public:
  // Starts its thread and connects in the background: until the stream has been read
  // once, availability() says why not.
  explicit RedisHistory(RedisOptions options);
  // Waits (at most command_timeout) for the replies to appends already sent, so their
  // publishers learn how they ended, then closes.
  ~RedisHistory() override;

  // Thread-safe (the hub calls it without its lock): sends an XADD.
  bool append(const hub::UpdatePtr& update, hub::AppendDone done) override;
  bool completes_later() const override { return true; }
  hub::ResumePoint resume_point(std::string_view last_event_id) const override;
  std::uint64_t read(std::uint64_t after_seq, std::uint64_t up_to_seq, std::size_t max,
                     std::vector<hub::UpdatePtr>& out) const override;
  std::uint64_t oldest_seq() const override;
  std::uint64_t next_seq() const override;
  std::optional<std::string> newest_id() const override;
  std::size_t size() const override;
  std::size_t bytes() const override;

  // The cluster-wide list of active subscribers, for the subscriptions API: this node's
  // entries are listed in Redis while the node lives (they leave the listing within
  // node_expiry of its death); reading returns every live node's values. Thread-safe;
  // `done` runs on the Redis thread, with none and the reason when Redis cannot answer.
  void list_subscriber(std::string key, std::string value);
  void unlist_subscriber(std::string key);
  using ListDone =
      std::function<void(std::optional<std::vector<std::string>> values, std::string error)>;
  void read_subscriber_lists(ListDone done);
  // Who publishes the "inactive" events of a departed node's subscribers, which it cannot
  // (killed, or silent for longer than node_expiry): a live node takes its entries over,
  // each departed node's at exactly one node, and hands their values to `departed`.
  // `reinstated`: this node was itself taken for departed (paused, or Redis lost its
  // data) and has listed its subscribers again, whose "active" events it should publish
  // again. Both run on the Redis thread; until this is called, no node is taken over here.
  void watch_departures(std::function<void(std::vector<std::string> values)> departed,
                        std::function<void()> reinstated);

  // What /metrics reports of this node's part in the cluster. Thread-safe.
  struct Stats {
    bool commands_connected = false;
    bool tail_connected = false;
    std::uint64_t entries_read = 0;  // stream entries this node read, every node's
    std::uint64_t skipped = 0;       // entries herald did not write (not delivered)
    std::uint64_t reconnects = 0;    // connections to Redis made again after a loss
    std::uint64_t gaps = 0;          // times Redis let go of entries before this node read them
    // How long the newest entry read had been in Redis when this node read it (Redis's
    // clock against this node's: machines must keep their clocks in sync).
    double lag_seconds = 0;
  };
  Stats stats() const;

  bool is_shared() const override { return true; }
  void deliver_to(std::function<void(const hub::UpdatePtr&)> deliver,
                  std::function<void()> lost) override;
  Availability availability() const override;
  void catch_up(std::function<void(bool caught_up)> done) override;

 private:
  class Node;
  std::unique_ptr<Node> node_;
};

}  // namespace herald::cluster
