#pragma once
// The cluster-wide list of active subscribers, for the subscriptions API: each node keeps
// its own subscribers in Redis, in a hash of its own that expires unless the node keeps
// refreshing it, so the subscribers of a node that died (kill -9, a lost machine) drop
// out of every node's listing within the expiry. A set names the nodes.
//
// Redis:  <stream>:nodes            set of node ids
//         <stream>:node:<id>        hash subscriber -> what the node lists for it
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

  SubscriberDirectory(RedisConnection& commands, const std::string& stream_key, std::string node_id,
                      std::chrono::milliseconds expiry);

  void put(const std::string& key, std::string value);
  void erase(const std::string& key);
  void read_all(ReadDone done);
  // Writes every entry again (the connection came back): Redis may have lost them.
  void write_all();
  // Keeps the node's hash from expiring; called at least every expiry / 3.
  void refresh();
  // The node stops: its entries go at once instead of at their expiry.
  void withdraw();

 private:
  void mention_node();

  RedisConnection& commands_;
  std::string nodes_key_;
  std::string node_prefix_;  // + a node id: that node's hash
  std::string node_key_;
  std::string node_id_;
  std::string expiry_ms_;
  std::unordered_map<std::string, std::string> entries_;
};

}  // namespace herald::cluster
