#include "loop.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace herald::loadgen {

Loop::Loop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

Loop::~Loop() {
  ::close(epoll_fd_);
}

void Loop::add(int fd, std::uint32_t events, Pollable* target) {
  epoll_event e{};
  e.events = events;
  e.data.ptr = target;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl add");
  }
}

void Loop::modify(int fd, std::uint32_t events, Pollable* target) {
  epoll_event e{};
  e.events = events;
  e.data.ptr = target;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &e) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl mod");
  }
}

void Loop::remove(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

int Loop::run_once(int timeout_ms) {
  int n = epoll_wait(epoll_fd_, ready_.data(), static_cast<int>(ready_.size()), timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return 0;
    throw std::system_error(errno, std::generic_category(), "epoll_wait");
  }
  for (int i = 0; i < n; ++i) {
    static_cast<Pollable*>(ready_[static_cast<std::size_t>(i)].data.ptr)
        ->on_events(ready_[static_cast<std::size_t>(i)].events);
  }
  return n;
}

}  // namespace herald::loadgen
