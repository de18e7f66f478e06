#pragma once
// Delivers one stream's callbacks to the test harness in order: POST <callbackUrl>/<n>
// with n = 1, 2, 3, ... (the harness sorts by n). A thread of its own, so a slow harness
// never blocks the EventSource.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace herald::contract {

class CallbackSender {
 public:
  explicit CallbackSender(std::string callback_url);
  ~CallbackSender();
  CallbackSender(const CallbackSender&) = delete;
  CallbackSender& operator=(const CallbackSender&) = delete;

  // Queues one JSON message.
  void send(std::string json);
  // Stops after the message being sent; the rest is dropped (the harness closed the stream).
  void stop();

 private:
  void run();

  std::string url_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  unsigned counter_ = 0;
  std::thread thread_;
};

}  // namespace herald::contract
