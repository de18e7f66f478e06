#pragma once
// A minimal epoll loop: one per process, one thread. Level-triggered, so a reader may take
// one recv per wake-up and leave the rest for the next (fewer syscalls than draining).
#include <sys/epoll.h>

#include <array>
#include <cstdint>

namespace herald::loadgen {

class Pollable {
 public:
  virtual void on_events(std::uint32_t events) = 0;

 protected:
  ~Pollable() = default;
};

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void add(int fd, std::uint32_t events, Pollable* target);
  void modify(int fd, std::uint32_t events, Pollable* target);
  void remove(int fd);
  // Waits at most timeout_ms and dispatches what became ready. A Pollable must outlive
  // the dispatch it is part of (owners free them only after the loop is done).
  int run_once(int timeout_ms);

 private:
  int epoll_fd_;
  std::array<epoll_event, 512> ready_;
};

}  // namespace herald::loadgen
