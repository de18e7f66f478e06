#include "worker_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

#include "worker_protocol.hpp"

namespace herald::loadgen {

WorkerProcess::WorkerProcess(Loop& loop, const std::vector<std::string>& command,
                             const std::string& spec)
    : loop_(loop) {
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw std::system_error(e, std::generic_category());
  }
  // argv is built before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> args = command;
  args.push_back(spec);
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) {
    int e = errno;
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]})
      ::close(fd);
    throw std::system_error(e, std::generic_category(), "fork");
  }
  if (pid_ == 0) {
    // A worker never outlives the coordinator that started it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  in_fd_ = to_child[1];
  out_fd_ = from_child[0];
  ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
  loop_.add(out_fd_, EPOLLIN, this);
}

WorkerProcess::~WorkerProcess() {
  hang_up();
  if (out_fd_ >= 0) {
    loop_.remove(out_fd_);
    ::close(out_fd_);
  }
  if (!reap()) {
    kill_now();
    ::waitpid(pid_, nullptr, 0);
  }
}

void WorkerProcess::on_events(std::uint32_t) {
  char buf[16 * 1024];
  ssize_t n = ::read(out_fd_, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    loop_.remove(out_fd_);
    ::close(out_fd_);
    out_fd_ = -1;
    return;
  }
  pending_.append(buf, static_cast<std::size_t>(n));
  for (std::size_t eol; (eol = pending_.find('\n')) != std::string::npos;) {
    take_line(std::string_view(pending_).substr(0, eol));
    pending_.erase(0, eol + 1);
  }
}

void WorkerProcess::take_line(std::string_view line) {
  if (line == protocol::ready) {
    ready_ = true;
  } else if (line.starts_with(protocol::result)) {
    line.remove_prefix(protocol::result.size());
    result_ = nlohmann::json::parse(line, nullptr, false);
    if (result_->is_discarded()) result_.reset();
  }
}

void WorkerProcess::send(std::string_view line) {
  if (in_fd_ < 0) return;
  std::string out(line);
  out += '\n';
  // A line is far below PIPE_BUF: one write, whole.
  if (::write(in_fd_, out.data(), out.size()) < 0) hang_up();
}

void WorkerProcess::hang_up() {
  if (in_fd_ >= 0) {
    ::close(in_fd_);
    in_fd_ = -1;
  }
}

bool WorkerProcess::reap() {
  if (exited_) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) exited_ = true;
  return exited_;
}

void WorkerProcess::kill_now() {
  if (!exited_ && pid_ > 0) ::kill(pid_, SIGKILL);
}

}  // namespace herald::loadgen
