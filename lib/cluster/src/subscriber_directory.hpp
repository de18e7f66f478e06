#pragma once
// The cluster-wide list of active subscribers, for the subscriptions API and its events:
// each node keeps its own subscribers in Redis, in a hash of its own, and announces that
// it lives with a key that expires unless it keeps announcing. The subscribers of a node
// that stopped announcing (kill -9, a lost machine, a long pause) drop out of every
// listing within the expiry, and one live node takes its hash over: its owner publishes
// their "inactive" events, which the departed node cannot.
//
// Redis:  <stream>:nodes             set of node ids
//         <stream>:node:<id>         hash subscriber -> what the node lists for it
//         <stream>:node:<id>:alive   exists while the node announces itself
// The node also holds its entries itself, and writes them all again whenever its
// connection comes back (Redis may have lost them). Runs on the Redis thread.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "redis_connection.hpp"

namespace herald::cluster {

class SubscriberDirectory {
 public:
  // Values of every node's entries, or none with the reason Redis could not answer.
  using ReadDone =
      std::function<void(std::optional<std::vector<std::string>> values, std::string error)>;
  // The values of departed nodes' entries, each departed node's handed to one node only.
  using Departed = std::function<void(std::vector<std::string> values)>;

  SubscriberDirectory(RedisConnection& commands, const std::string& stream_key, std::string node_id,
                      std::chrono::milliseconds expiry);

  // `departed`: entries of departed nodes that this node took over. `reinstated`: this
  // node was itself taken for departed (it announced nothing for longer than the expiry,
  // or Redis lost its data) and has listed its entries again. Until set, no node is taken
  // over by this one.
  void on_departures(Departed departed, std::function<void()> reinstated);
  void put(const std::string& key, std::string value);
  void erase(const std::string& key);
  void read_all(ReadDone done);
  // Announces the node and writes every entry again (the connection came back): Redis
  // may have lost them.
  void write_all();
  // Announces the node and takes over the departed ones; called at least every
  // expiry / 3.
  void refresh();
  // The node stops: its entries leave every listing now, and another node takes them
  // over (publishes their events) at its next refresh.
  void withdraw();

 private:
  void announce();
  void write_entries();
  void take_over_departed();

  RedisConnection& commands_;
  std::string nodes_key_;
  std::string node_prefix_;  // + a node id: that node's hash
  std::string node_key_;
  std::string alive_key_;
  std::string node_id_;
  std::string expiry_ms_;
  std::unordered_map<std::string, std::string> entries_;
  bool announced_ = false;  // Redis has confirmed an announce of this node
  Departed departed_;
  std::function<void()> reinstated_;
};

}  // namespace herald::cluster
