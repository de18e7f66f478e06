#pragma once
// What the history tests share: a temporary directory, and appends that wait for their
// completion whichever way the backend completes them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "herald/hub/history.hpp"

namespace herald::store::testing {

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-lmdb-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::shared_ptr<hub::Update> make_update(const std::string& id, std::size_t frame_bytes = 10,
                                                std::vector<std::string> topics = {"t"}) {
  auto u = std::make_shared<hub::Update>();
  u->id = id;
  u->topics = std::move(topics);
  u->frame.assign(frame_bytes, 'x');
  return u;
}

// Stamps the update's seq as the hub does and appends it; the future is ready once the
// append completed (at once for a store that keeps it at once).
inline std::future<hub::AppendResult> start_append(hub::History& h,
                                                   std::shared_ptr<hub::Update> u) {
  u->seq = h.next_seq();
  auto done = std::make_shared<std::promise<hub::AppendResult>>();
  auto completed = done->get_future();
  if (h.append(u, [done](hub::AppendResult r) { done->set_value(std::move(r)); }))
    done->set_value({});
  return completed;
}

// Appends and waits for the completion; returns its result.
inline hub::AppendResult append_result(hub::History& h, std::shared_ptr<hub::Update> u) {
  return start_append(h, std::move(u)).get();
}

inline hub::UpdatePtr append(hub::History& h, const std::string& id, std::size_t frame_bytes = 10,
                             std::vector<std::string> topics = {"t"}) {
  auto u = make_update(id, frame_bytes, std::move(topics));
  const hub::AppendResult result = append_result(h, u);
  EXPECT_TRUE(result.ok()) << result.error;
  return u;
}

// What a resume from `last_event_id` replays, read as the hub reads it: a few at a time.
inline hub::ReplayFrom replay(const hub::History& h, std::string_view last_event_id,
                              std::vector<hub::UpdatePtr>& out) {
  hub::ResumePoint point = h.resume_point(last_event_id);
  if (point.from == hub::ReplayFrom::none) return point.from;
  const std::uint64_t newest = h.next_seq() - 1;
  for (std::uint64_t at = point.after_seq; at < newest;)
    at = h.read(at, newest, 3, out);
  return point.from;
}

inline std::vector<std::string> ids(const std::vector<hub::UpdatePtr>& updates) {
  std::vector<std::string> out;
  for (auto& u : updates)
    out.push_back(u->id);
  return out;
}

inline std::vector<std::string> held(const hub::History& h) {
  std::vector<hub::UpdatePtr> out;
  replay(h, "earliest", out);
  return ids(out);
}

}  // namespace herald::store::testing
