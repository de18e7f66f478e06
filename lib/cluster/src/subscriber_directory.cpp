#include "subscriber_directory.hpp"

namespace herald::cluster {

namespace {

// Every live node's values in one round trip; forgets the nodes whose hash expired (an
// empty hash does not exist either: such a node mentions itself again with its next put).
constexpr std::string_view kReadAllScript = R"(
local values = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. node
  if redis.call('EXISTS', key) == 1 then
    for _, v in ipairs(redis.call('HVALS', key)) do values[#values + 1] = v end
  else
    redis.call('SREM', KEYS[1], node)
  end
end
return values
)";

}  // namespace

SubscriberDirectory::SubscriberDirectory(RedisConnection& commands, const std::string& stream_key,
                                         std::string node_id, std::chrono::milliseconds expiry)
    : commands_(commands),
      nodes_key_(stream_key + ":nodes"),
      node_prefix_(stream_key + ":node:"),
      node_key_(node_prefix_ + node_id),
      node_id_(std::move(node_id)),
      expiry_ms_(std::to_string(expiry.count())) {}

void SubscriberDirectory::mention_node() {
  commands_.command({"SADD", nodes_key_, node_id_}, {});
  commands_.command({"PEXPIRE", node_key_, expiry_ms_}, {});
}

void SubscriberDirectory::put(const std::string& key, std::string value) {
  auto& stored = entries_[key] = std::move(value);
  if (!commands_.is_up()) return;  // written with the others when the connection is back
  commands_.command({"HSET", node_key_, key, stored}, {});
  mention_node();
}

void SubscriberDirectory::erase(const std::string& key) {
  entries_.erase(key);
  commands_.command({"HDEL", node_key_, key}, {});
}

void SubscriberDirectory::write_all() {
  commands_.command({"DEL", node_key_}, {});
  if (entries_.empty()) return;
  std::vector<std::string_view> args{"HSET", node_key_};
  for (const auto& [key, value] : entries_) {
    args.push_back(key);
    args.push_back(value);
  }
  commands_.command(args, {});
  mention_node();
}

void SubscriberDirectory::refresh() {
  if (!entries_.empty()) mention_node();
}

void SubscriberDirectory::withdraw() {
  commands_.command({"DEL", node_key_}, {});
  commands_.command({"SREM", nodes_key_, node_id_}, {});
}

void SubscriberDirectory::read_all(ReadDone done) {
  const bool sent = commands_.command(
      {"EVAL", kReadAllScript, "1", nodes_key_, node_prefix_}, [done](const redisReply* reply) {
        if (reply == nullptr) return done(std::nullopt, "the connection to Redis was lost");
        if (reply->type != REDIS_REPLY_ARRAY)
          return done(std::nullopt, reply->type == REDIS_REPLY_ERROR
                                        ? std::string(reply->str, reply->len)
                                        : "an unexpected reply from Redis");
        std::vector<std::string> values;
        values.reserve(reply->elements);
        for (std::size_t i = 0; i < reply->elements; ++i) {
          const redisReply* v = reply->element[i];
          if (v->type == REDIS_REPLY_STRING) values.emplace_back(v->str, v->len);
        }
        done(std::move(values), {});
      });
  if (!sent) done(std::nullopt, "Redis is unreachable");
}

}  // namespace herald::cluster
