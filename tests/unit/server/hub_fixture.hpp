#pragma once
// A real hub with its real in-memory history, and shards whose posted work runs when a
// test says so (as an io_context would, later), for the server's hub-facing logic.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "herald/hub/hub.hpp"
#include "herald/store/memory_history.hpp"

namespace herald::server::test {

struct ManualShard {
  std::deque<std::function<void()>> work;
  hub::ShardPost post() {
    // Hub::publish posts under its own lock, so this deque needs none.
    return [this](std::function<void()> fn) { work.push_back(std::move(fn)); };
  }
  void run() {
    for (std::size_t bound = 0; !work.empty() && bound < 1000000; ++bound) {
      auto fn = std::move(work.front());
      work.pop_front();
      fn();
    }
  }
};

// A subscriber to `*` that may receive everything: reads what the history holds.
class HistoryReader final : public hub::Subscriber {
 public:
  HistoryReader() : hub::Subscriber({*match::Selector::parse("*", nullptr)}) {}
  void replay(const hub::UpdatePtr& u) override { replayed.push_back(u); }
  bool has_replay_room() const override { return true; }
  void deliver(const hub::UpdatePtr& u) override { live.push_back(u); }
  void flush() override {}
  const match::SelectorSet* private_grants() const override { return &grants_; }
  std::vector<hub::UpdatePtr> replayed;
  std::vector<hub::UpdatePtr> live;

 private:
  match::SelectorSet grants_{{*match::Selector::parse("*", nullptr)}};
};

// The data lines of an SSE frame, joined as a client would.
inline std::string frame_data(const std::string& frame) {
  std::string data;
  std::size_t pos = 0;
  bool first = true;
  while (pos < frame.size()) {
    std::size_t eol = frame.find('\n', pos);
    if (eol == std::string::npos) eol = frame.size();
    std::string_view line(frame.data() + pos, eol - pos);
    if (line.starts_with("data: ")) {
      if (!first) data += '\n';
      data.append(line.substr(6));
      first = false;
    }
    pos = eol + 1;
  }
  return data;
}

}  // namespace herald::server::test
