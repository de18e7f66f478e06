// Worker mode: one process's share of the subscribers, connected, read and accounted.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "h2_subscriber_pool.hpp"
#include "herald/loadgen/accounting.hpp"
#include "herald/loadgen/bench.hpp"
#include "herald/loadgen/event_payload.hpp"
#include "herald/loadgen/plan.hpp"
#include "herald/loadgen/proc_stats.hpp"
#include "herald/loadgen/request_template.hpp"
#include "loop.hpp"
#include "subscriber_pool.hpp"
#include "tls_socket.hpp"
#include "worker_protocol.hpp"

namespace herald::loadgen {

namespace {

// Reads the coordinator's commands from stdin.
class CommandReader final : public Pollable {
 public:
  explicit CommandReader(Loop& loop) : loop_(loop) {
    ::fcntl(STDIN_FILENO, F_SETFL, ::fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    loop_.add(STDIN_FILENO, EPOLLIN, this);
  }
  ~CommandReader() { loop_.remove(STDIN_FILENO); }

  void on_events(std::uint32_t) override {
    char buf[256];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      gone = true;
      loop_.remove(STDIN_FILENO);
      return;
    }
    if (n < 0) return;
    pending_.append(buf, static_cast<std::size_t>(n));
    for (std::size_t eol; (eol = pending_.find('\n')) != std::string::npos;) {
      if (std::string_view(pending_).substr(0, eol) == protocol::published) published = true;
      pending_.erase(0, eol + 1);
    }
  }

  bool published = false;
  bool gone = false;  // the coordinator closed our stdin

 private:
  Loop& loop_;
  std::string pending_;
};

void write_line(const std::string& line) {
  std::string out = line + "\n";
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(STDOUT_FILENO, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the coordinator is gone; nothing to tell
    done += static_cast<std::size_t>(n);
  }
}

void raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

// The worker's life with either pool: add its share of the subscribers, say when they
// are settled, drain after the publish, report.
template <typename Pool>
int serve(const Options& o, std::size_t process, Pool& pool, Loop& loop, StreamContext& context,
          std::uint64_t started) {
  const std::uint64_t deadline = started + static_cast<std::uint64_t>(o.timeout_s * 1e9);
  Plan plan(o);
  Template subscribe(o.subscribe_target);
  auto [first, end] = plan.range_of_process(process);
  for (std::size_t s = first; s < end; ++s) {
    std::size_t topic = plan.topic_of_subscriber(s);
    std::string path;
    subscribe.render(path, plan.topic(topic), "", Escape::url);
    std::uint64_t first_seq = o.scenario == Scenario::reconnect ? plan.resume_first_seq() : 1;
    pool.add(std::move(path), source_address(plan.source_of_subscriber(s)), first_seq,
             plan.events_on(topic));
  }

  CommandReader commands(loop);
  bool ready = false;
  std::uint64_t ready_ns = 0;
  double cpu_at_ready = 0;
  std::uint64_t drain_until = 0;
  // Bounded: every pass either waits (at most 50 ms) or handles I/O, and the deadline ends it.
  for (;;) {
    std::uint64_t now = now_ns();
    pool.tick(now);
    if (!ready && pool.settled()) {
      ready = true;
      ready_ns = now;
      cpu_at_ready = own_cpu_s();
      write_line(std::string(protocol::ready));
    }
    if (ready && commands.published) {
      if (drain_until == 0) {
        drain_until = now + static_cast<std::uint64_t>(o.drain_s * 1e9);
      }
      if (pool.finished() || now >= drain_until) break;
    }
    if (commands.gone || now >= deadline) break;
    loop.run_once(ready ? 50 : 5);
  }

  SubscriberTotals totals = pool.totals();
  totals.malformed = context.malformed;
  double cpu = own_cpu_s();
  nlohmann::json result{
      {"process", process},
      {"pid", static_cast<int>(::getpid())},
      {"totals", totals},
      {"latency", histogram_to_json(context.latency)},
      {"last_event_ns", context.last_event_ns},
      {"ready_ns", ready_ns},
      {"started_ns", started},
      {"cpu_s", cpu},
      {"cpu_s_after_ready", ready ? cpu - cpu_at_ready : 0.0},
      {"timed_out", !pool.finished()},
  };
  pool.close_all();
  write_line(std::string(protocol::result) + result.dump());
  return 0;
}

}  // namespace

int run_worker(const std::string& spec_json) {
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();
  nlohmann::json spec = nlohmann::json::parse(spec_json);
  Options o = spec.at("options").get<Options>();
  auto process = spec.at("process").get<std::size_t>();
  auto target = parse_target(o.url, nullptr);
  if (!target) return 2;

  const std::uint64_t started = now_ns();
  Loop loop;
  StreamContext context;
  SubscriberPoolConfig config;
  config.target = *target;
  config.headers = o.subscribe_headers;
  config.last_event_id = spec.value("resume_id", std::string());
  config.connect_concurrency = o.connect_concurrency;
  config.connect_timeout_ns = static_cast<std::uint64_t>(o.connect_timeout_s * 1e9);
  config.streams_per_connection = o.streams_per_connection;
  std::unique_ptr<TlsClient> tls = subscriber_tls(o, o.http2);
  config.tls = tls.get();
  if (o.http2) {
    H2SubscriberPool pool(loop, context, config);
    return serve(o, process, pool, loop, context, started);
  }
  SubscriberPool pool(loop, context, config);
  return serve(o, process, pool, loop, context, started);
}

}  // namespace herald::loadgen
