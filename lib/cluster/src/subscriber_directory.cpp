#include "subscriber_directory.hpp"

#include "herald/base/log.hpp"

namespace herald::cluster {

namespace {

// A departed node's hash is kept this long after its last announce, for a node to take
// over: long enough for any live node to find it, bounded for a cluster that stops whole.
constexpr std::chrono::hours kDepartedKept{1};

// KEYS: the nodes set, this node's alive key and hash; ARGV: its id, the expiry and how
// long its hash outlives it. 1 when the set did not name the node: it was taken for
// departed (or Redis lost its data, or it never announced).
constexpr std::string_view kAnnounceScript = R"(
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return added
)";

// Every live node's values in one round trip.
constexpr std::string_view kReadAllScript = R"(
local values = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. node
  if redis.call('EXISTS', key .. ':alive') == 1 then
    for _, v in ipairs(redis.call('HVALS', key)) do values[#values + 1] = v end
  end
end
return values
)";

// Takes over every departed node: returns its values and forgets it, atomically, so each
// departed node's entries go to exactly one node.
constexpr std::string_view kTakeOverScript = R"(
local departed = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. node
  if redis.call('EXISTS', key .. ':alive') == 0 then
    for _, v in ipairs(redis.call('HVALS', key)) do departed[#departed + 1] = v end
    redis.call('DEL', key)
    redis.call('SREM', KEYS[1], node)
  end
end
return departed
)";

std::vector<std::string> strings_of(const redisReply* reply) {
  std::vector<std::string> values;
  values.reserve(reply->elements);
  for (std::size_t i = 0; i < reply->elements; ++i) {
    const redisReply* v = reply->element[i];
    if (v->type == REDIS_REPLY_STRING) values.emplace_back(v->str, v->len);
  }
  return values;
}

}  // namespace

SubscriberDirectory::SubscriberDirectory(RedisConnection& commands, const std::string& stream_key,
                                         std::string node_id, std::chrono::milliseconds expiry)
    : commands_(commands),
      nodes_key_(stream_key + ":nodes"),
      node_prefix_(stream_key + ":node:"),
      node_key_(node_prefix_ + node_id),
      alive_key_(node_key_ + ":alive"),
      node_id_(std::move(node_id)),
      expiry_ms_(std::to_string(expiry.count())) {}

void SubscriberDirectory::on_departures(Departed departed, std::function<void()> reinstated) {
  departed_ = std::move(departed);
  reinstated_ = std::move(reinstated);
}

void SubscriberDirectory::announce() {
  static const std::string kept_ms =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(kDepartedKept).count());
  commands_.command(
      {"EVAL", kAnnounceScript, "3", nodes_key_, alive_key_, node_key_, node_id_, expiry_ms_,
       kept_ms},
      [this](const redisReply* reply) {
        if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER) return;
        const bool was_taken_over = reply->integer == 1 && announced_;
        announced_ = true;
        if (!was_taken_over) return;
        log::warn(
            "cluster: this node was taken for departed (no announce for longer than the "
            "expiry, or Redis lost its data): listing its subscribers again",
            {{"node", node_id_}, {"subscribers", std::to_string(entries_.size())}});
        write_entries();
        if (reinstated_) reinstated_();
      });
}

void SubscriberDirectory::write_entries() {
  commands_.command({"DEL", node_key_}, {});
  if (entries_.empty()) return;
  std::vector<std::string_view> args{"HSET", node_key_};
  for (const auto& [key, value] : entries_) {
    args.push_back(key);
    args.push_back(value);
  }
  commands_.command(args, {});
}

void SubscriberDirectory::put(const std::string& key, std::string value) {
  auto& stored = entries_[key] = std::move(value);
  // Written with the others when the connection is back, otherwise.
  commands_.command({"HSET", node_key_, key, stored}, {});
}

void SubscriberDirectory::erase(const std::string& key) {
  entries_.erase(key);
  commands_.command({"HDEL", node_key_, key}, {});
}

void SubscriberDirectory::write_all() {
  // Announced first: from then on no node takes this one over while it writes.
  announce();
  write_entries();
}

void SubscriberDirectory::refresh() {
  announce();
  take_over_departed();
}

void SubscriberDirectory::withdraw() {
  commands_.command({"DEL", alive_key_}, {});
}

void SubscriberDirectory::take_over_departed() {
  if (!departed_) return;
  commands_.command({"EVAL", kTakeOverScript, "1", nodes_key_, node_prefix_},
                    [this](const redisReply* reply) {
                      if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return;
                      std::vector<std::string> values = strings_of(reply);
                      if (values.empty()) return;
                      log::info("cluster: took over the subscribers of departed nodes",
                                {{"subscribers", std::to_string(values.size())}});
                      departed_(std::move(values));
                    });
}

void SubscriberDirectory::read_all(ReadDone done) {
  const bool sent = commands_.command(
      {"EVAL", kReadAllScript, "1", nodes_key_, node_prefix_}, [done](const redisReply* reply) {
        if (reply == nullptr) return done(std::nullopt, "the connection to Redis was lost");
        if (reply->type != REDIS_REPLY_ARRAY)
          return done(std::nullopt, reply->type == REDIS_REPLY_ERROR
                                        ? std::string(reply->str, reply->len)
                                        : "an unexpected reply from Redis");
        done(strings_of(reply), {});
      });
  if (!sent) done(std::nullopt, "Redis is unreachable");
}

}  // namespace herald::cluster
