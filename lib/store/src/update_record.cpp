#include "herald/store/update_record.hpp"

#include <limits>

namespace herald::store {

namespace {

constexpr std::uint8_t kPrivateFlag = 1;

void put_uint(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

bool put_string(std::string& out, std::string_view s) {
  if (s.size() > std::numeric_limits<std::uint32_t>::max()) return false;
  put_uint(out, s.size(), 4);
  out.append(s);
  return true;
}

// Reads from the front of `bytes`, refusing to read past its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  std::optional<std::uint64_t> uint(std::size_t bytes) {
    if (rest_.size() < bytes) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      value = (value << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(bytes);
    return value;
  }
  std::optional<std::string_view> string() {
    auto size = uint(4);
    if (!size || rest_.size() < *size) return std::nullopt;
    std::string_view s = rest_.substr(0, *size);
    rest_.remove_prefix(*size);
    return s;
  }
  std::size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

}  // namespace

std::optional<std::string> encode_record(const hub::Update& update, std::int64_t published_ms) {
  std::size_t size = 2 + 8 + 4 + update.id.size() + 4 + 4 + update.frame.size();
  for (const std::string& topic : update.topics)
    size += 4 + topic.size();
  std::string out;
  out.reserve(size);
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(update.is_private ? kPrivateFlag : 0));
  put_uint(out, static_cast<std::uint64_t>(published_ms), 8);
  if (!put_string(out, update.id)) return std::nullopt;
  if (update.topics.size() > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  put_uint(out, update.topics.size(), 4);
  for (const std::string& topic : update.topics) {
    if (!put_string(out, topic)) return std::nullopt;
  }
  if (!put_string(out, update.frame)) return std::nullopt;
  return out;
}

std::optional<RecordView> decode_record(std::string_view bytes) {
  Reader in(bytes);
  auto version = in.uint(1);
  auto flags = in.uint(1);
  auto published = in.uint(8);
  if (!version || *version != kRecordVersion || !flags || (*flags & ~kPrivateFlag) != 0 ||
      !published) {
    return std::nullopt;
  }
  RecordView record;
  record.published_ms = static_cast<std::int64_t>(*published);
  record.is_private = (*flags & kPrivateFlag) != 0;
  auto id = in.string();
  auto topic_count = in.uint(4);
  // Each topic takes at least its length: a count the bytes cannot hold is refused before
  // anything is reserved for it.
  if (!id || !topic_count || *topic_count > in.left() / 4) return std::nullopt;
  record.id = *id;
  record.topics.reserve(*topic_count);
  for (std::uint64_t i = 0; i < *topic_count; ++i) {
    auto topic = in.string();
    if (!topic) return std::nullopt;
    record.topics.push_back(*topic);
  }
  auto frame = in.string();
  if (!frame || in.left() != 0) return std::nullopt;
  record.frame = *frame;
  return record;
}

hub::UpdatePtr to_update(const RecordView& record, std::uint64_t seq) {
  auto update = std::make_shared<hub::Update>();
  update->id = record.id;
  update->topics.assign(record.topics.begin(), record.topics.end());
  update->is_private = record.is_private;
  update->seq = seq;
  update->frame = record.frame;
  return update;
}

}  // namespace herald::store
