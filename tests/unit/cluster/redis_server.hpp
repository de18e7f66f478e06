#pragma once
// A real redis-server for a test: Debian's /usr/bin/redis-server on a free loopback port,
// with AOF in a directory of its own, stopped (by its pid) and removed at the end.
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace herald::cluster::testing {

// A loopback port nothing listens on now (bound, read, released).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class RedisServer {
 public:
  explicit RedisServer(int port = free_port()) : port_(port) {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-redis-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    start();
  }
  ~RedisServer() {
    kill(SIGKILL);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // Starts it (again: same port and directory, so the AOF brings the data back) and
  // waits until it answers PING.
  void start() {
    const std::string port = std::to_string(port_);
    const std::string dir = dir_.string();
    // setpriv: Redis dies with this test process, even one killed by a timeout.
    std::vector<std::string> args{"/usr/bin/setpriv",
                                  "--pdeathsig",
                                  "KILL",
                                  "--",
                                  "/usr/bin/redis-server",
                                  "--port",
                                  port,
                                  "--bind",
                                  "127.0.0.1",
                                  "--save",
                                  "",
                                  "--appendonly",
                                  "yes",
                                  "--appendfsync",
                                  "always",
                                  "--dir",
                                  dir,
                                  "--daemonize",
                                  "no",
                                  "--loglevel",
                                  "warning"};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its start-up banner and warnings go to a log in its directory, not the test's output.
    const std::string log = (dir_ / "redis.log").string();
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    const int spawned = ::posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (spawned != 0)
      throw std::runtime_error("cannot start /usr/bin/redis-server (make test installs it)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!answers_ping()) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("redis-server did not answer on port " + port);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Ends it with `signal` and reaps it.
  void kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // Runs one command on a connection of its own; the reply as text (errors included).
  std::string command(const std::vector<std::string>& args) const {
    redisContext* c = redisConnect("127.0.0.1", port_);
    if (c == nullptr || c->err) {
      if (c != nullptr) redisFree(c);
      return "(no connection)";
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    std::string text = reply == nullptr                     ? "(no reply)"
                       : reply->type == REDIS_REPLY_INTEGER ? std::to_string(reply->integer)
                       : reply->str != nullptr              ? std::string(reply->str, reply->len)
                                                            : "(array)";
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(c);
    return text;
  }

 private:
  bool answers_ping() const { return command({"PING"}) == "PONG"; }

  int port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace herald::cluster::testing
