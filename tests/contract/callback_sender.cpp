#include "callback_sender.hpp"

#include <cstdio>

#include "herald/client/fetch.hpp"

namespace herald::contract {

CallbackSender::CallbackSender(std::string callback_url) : url_(std::move(callback_url)) {
  while (!url_.empty() && url_.back() == '/')
    url_.pop_back();
  thread_ = std::thread([this] { run(); });
}

CallbackSender::~CallbackSender() {
  stop();
}

void CallbackSender::send(std::string json) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  queue_.push_back(std::move(json));
  changed_.notify_one();
}

void CallbackSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_one();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void CallbackSender::run() {
  for (;;) {
    std::string json;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      json = std::move(queue_.front());
      queue_.pop_front();
    }
    client::FetchOptions request;
    request.method = "POST";
    request.url = url_ + "/" + std::to_string(++counter_);
    request.headers = {{"Content-Type", "application/json"}};
    request.body = std::move(json);
    request.timeout = std::chrono::seconds(5);
    const auto result = client::fetch(request);
    if (!result.ok()) {
      std::fprintf(stderr, "callback %s failed: %s\n", request.url.c_str(), result.error.c_str());
    }
  }
}

}  // namespace herald::contract
