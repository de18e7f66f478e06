#pragma once
// The coordinator's handle on one worker process it started: the pipes to it, the lines
// it sent, and its end (reaped, or killed by pid when it overstays).
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loop.hpp"

namespace herald::loadgen {

class WorkerProcess final : public Pollable {
 public:
  // Starts `command` + the spec as one more argument. Throws std::system_error.
  WorkerProcess(Loop& loop, const std::vector<std::string>& command, const std::string& spec);
  ~WorkerProcess();  // closes the pipes; kills the process if it is still running
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  void on_events(std::uint32_t events) override;
  void send(std::string_view line);
  // Closes its stdin: the worker reports what it has and stops.
  void hang_up();
  // Reaps it if it exited; true once it has.
  bool reap();
  void kill_now();

  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }
  const std::optional<nlohmann::json>& result() const { return result_; }
  bool output_closed() const { return out_fd_ < 0; }

 private:
  void take_line(std::string_view line);

  Loop& loop_;
  pid_t pid_ = -1;
  int in_fd_ = -1;   // its stdin
  int out_fd_ = -1;  // its stdout
  bool exited_ = false;
  bool ready_ = false;
  std::optional<nlohmann::json> result_;
  std::string pending_;
};

}  // namespace herald::loadgen
