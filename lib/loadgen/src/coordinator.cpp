// The coordinator: starts the worker processes, publishes, samples the hub, and merges
// everything into one report. Every wait below is bounded by the run's deadline.
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>

#include "herald/loadgen/accounting.hpp"
#include "herald/loadgen/bench.hpp"
#include "herald/loadgen/event_payload.hpp"
#include "herald/loadgen/plan.hpp"
#include "herald/loadgen/proc_stats.hpp"
#include "loop.hpp"
#include "publisher.hpp"
#include "server_watch.hpp"
#include "subscriber_pool.hpp"
#include "tls_socket.hpp"
#include "worker_process.hpp"
#include "worker_protocol.hpp"

namespace herald::loadgen {

namespace {

constexpr std::uint64_t ms_ns = 1'000'000;
constexpr std::uint64_t settle_ns = 300 * ms_ns;  // let the hub finish its bookkeeping

double seconds(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e9;
}
double round3(double v) {
  return std::round(v * 1000) / 1000;
}

class Coordinator {
 public:
  Coordinator(Options o, const RunEnvironment& env)
      : o_(std::move(o)),
        env_(env),
        plan_(o_),
        target_(*parse_target(o_.url, nullptr)),
        publish_target_(*parse_target(publish_url(o_), nullptr)),
        tls_(subscriber_tls(o_, false)),
        server_(o_.server_pids) {}

  nlohmann::ordered_json run();

 private:
  void say(const std::string& line) const {
    if (env_.progress) env_.progress(line);
  }
  // Runs the loop until `done()` or `until`, ticking whatever is active.
  template <typename Done>
  void pump(std::uint64_t until, Done&& done);
  void publish_all();
  std::string record_resume_id();
  void start_workers(const std::string& resume_id);
  nlohmann::ordered_json report();

  Options o_;
  const RunEnvironment& env_;
  Plan plan_;
  Target target_;
  Target publish_target_;
  std::unique_ptr<TlsClient> tls_;  // the recording subscriber's, over https://
  ServerWatch server_;
  Loop loop_;
  std::uint64_t begun_ = now_ns();
  std::uint64_t deadline_ = 0;
  std::unique_ptr<Publisher> publisher_;
  StreamContext recorder_context_;
  std::unique_ptr<SubscriberPool> recorder_;
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
  std::uint64_t window_start_ = 0;
  std::uint64_t window_end_ = 0;
  double cpu_window_start_ = 0;
  double cpu_window_end_ = 0;
  std::string resume_id_;
};

template <typename Done>
void Coordinator::pump(std::uint64_t until, Done&& done) {
  for (std::uint64_t now = now_ns(); now < until && now < deadline_ && !done(); now = now_ns()) {
    int wait_ms = 20;
    if (publisher_) {
      publisher_->tick(now);
      wait_ms = publisher_->wake_ms(now);
    }
    if (recorder_) recorder_->tick(now);
    loop_.run_once(wait_ms);
  }
}

void Coordinator::publish_all() {
  if (plan_.events() == 0) return;
  PublisherConfig c;
  auto format = *publish_format(o_.publish_format);
  c.target = publish_target_;
  c.target_template = Template(o_.publish_target);
  c.body_template = Template(o_.publish_body.empty() ? format.default_body : o_.publish_body);
  c.format = format;
  c.headers = o_.publish_headers;
  c.window = o_.window;
  c.per_topic = o_.per_topic;
  c.rate = o_.rate;
  c.event_bytes = o_.event_bytes;
  publisher_ = std::make_unique<Publisher>(loop_, plan_, std::move(c));
  say("publishing " + std::to_string(plan_.events()) + " events");
  publisher_->start(now_ns());
  pump(deadline_, [&] { return publisher_->done(); });
}

// reconnect: one subscriber sees every event and so learns the id of event N-k, the
// point the storm's clients resume from. Ids come from the stream, as a browser gets them.
std::string Coordinator::record_resume_id() {
  SubscriberPoolConfig c;
  c.target = target_;
  c.tls = tls_.get();
  c.headers = o_.subscribe_headers;
  c.connect_timeout_ns = static_cast<std::uint64_t>(o_.connect_timeout_s * 1e9);
  recorder_ = std::make_unique<SubscriberPool>(loop_, recorder_context_, c);
  std::string path;
  Template(o_.subscribe_target).render(path, plan_.topic(0), "", Escape::url);
  std::uint64_t resume_after = plan_.resume_first_seq() - 1;
  recorder_->add(path, 0, 1, plan_.events(), resume_after);
  pump(deadline_, [&] { return recorder_->settled(); });
  if (recorder_->connected() == 0) {
    throw std::runtime_error("reconnect: the recording subscriber could not subscribe");
  }
  pump(now_ns() + settle_ns, [] { return false; });
  publish_all();
  pump(now_ns() + static_cast<std::uint64_t>(o_.drain_s * 1e9),
       [&] { return recorder_->finished(); });
  std::string id = recorder_->stream(0).captured_id();
  if (id.empty()) {
    throw std::runtime_error("reconnect: the recording subscriber never saw event " +
                             std::to_string(resume_after) + " with an id");
  }
  return id;
}

void Coordinator::start_workers(const std::string& resume_id) {
  for (std::size_t p = 0; p < plan_.processes(); ++p) {
    nlohmann::json spec{{"options", o_}, {"process", p}, {"resume_id", resume_id}};
    workers_.push_back(std::make_unique<WorkerProcess>(loop_, env_.worker_command, spec.dump()));
  }
}

nlohmann::ordered_json Coordinator::run() {
  deadline_ = begun_ + static_cast<std::uint64_t>(o_.timeout_s * 1e9);
  server_.sample(ServerWatch::before);
  server_.sample(ServerWatch::held);
  auto all_ready = [&] {
    for (auto& w : workers_) {
      if (!w->ready() && !w->output_closed()) return false;
    }
    return true;
  };
  if (o_.scenario == Scenario::reconnect) {
    resume_id_ = record_resume_id();
    say("resuming " + std::to_string(plan_.subscribers()) + " clients after id " + resume_id_);
    window_start_ = now_ns();
    cpu_window_start_ = own_cpu_s();
    server_.sample(ServerWatch::window_start);
    start_workers(resume_id_);
    for (auto& w : workers_)
      w->send(protocol::published);
    pump(deadline_, all_ready);
  } else {
    if (plan_.subscribers() > 0) {
      say("connecting " + std::to_string(plan_.subscribers()) + " subscribers from " +
          std::to_string(plan_.processes()) + " process(es)");
    }
    start_workers("");
    pump(deadline_, all_ready);
    pump(now_ns() + settle_ns, [] { return false; });
    if (o_.scenario == Scenario::idle)
      pump(now_ns() + static_cast<std::uint64_t>(o_.hold_s * 1e9), [] { return false; });
    server_.sample(ServerWatch::held);
    window_start_ = now_ns();
    cpu_window_start_ = own_cpu_s();
    server_.sample(ServerWatch::window_start);
    publish_all();
    for (auto& w : workers_)
      w->send(protocol::published);
  }
  // Workers stop by themselves once everything arrived or their drain ran out.
  auto all_reported = [&] {
    for (auto& w : workers_) {
      if (!w->result() && !w->output_closed()) return false;
    }
    return true;
  };
  // Past the run's deadline too: the workers' reports are what the run is for.
  std::uint64_t drain = static_cast<std::uint64_t>((o_.drain_s + 5) * 1e9);
  deadline_ = now_ns() + drain + 2000 * ms_ns;
  pump(now_ns() + drain, all_reported);
  window_end_ = now_ns();
  cpu_window_end_ = own_cpu_s();
  server_.sample(ServerWatch::window_end);
  for (auto& w : workers_)
    w->hang_up();
  pump(now_ns() + 2000 * ms_ns, [&] {
    for (auto& w : workers_) {
      if (!w->reap()) return false;
    }
    return true;
  });
  return report();
}

nlohmann::ordered_json Coordinator::report() {
  SubscriberTotals subs;
  LatencyHistogram latency;
  std::uint64_t last_event_ns = 0;
  double worker_cpu_window = 0;
  double worker_cpu_total = 0;
  std::uint64_t lost_workers = 0;
  for (auto& w : workers_) {
    if (!w->result()) {
      ++lost_workers;
      continue;
    }
    const nlohmann::json& r = *w->result();
    subs.add(r.at("totals").get<SubscriberTotals>());
    LatencyHistogram h;
    if (histogram_from_json(r.at("latency"), h)) latency.merge(h);
    last_event_ns = std::max(last_event_ns, r.at("last_event_ns").get<std::uint64_t>());
    worker_cpu_total += r.at("cpu_s").get<double>();
    worker_cpu_window += o_.scenario == Scenario::reconnect
                             ? r.at("cpu_s").get<double>()
                             : r.at("cpu_s_after_ready").get<double>();
  }
  const PublishStats empty;
  const PublishStats& pub = publisher_ ? publisher_->stats() : empty;

  // Delivery runs from the first publish (or, for a storm, the clients' start) to the
  // newest event any subscriber received.
  std::uint64_t delivery_from = o_.scenario == Scenario::reconnect || pub.first_send_ns == 0
                                    ? window_start_
                                    : pub.first_send_ns;
  double delivery_s = last_event_ns > delivery_from ? seconds(last_event_ns - delivery_from) : 0;
  double publish_s =
      pub.last_answer_ns > pub.first_send_ns ? seconds(pub.last_answer_ns - pub.first_send_ns) : 0;
  double window_s = seconds(window_end_ - window_start_);
  double loadgen_cpu = (cpu_window_end_ - cpu_window_start_) + worker_cpu_window;

  bool strict_order = o_.per_topic == 1;
  bool ok = lost_workers == 0 && subs.failed == 0 && subs.dropped == 0 && subs.missing == 0 &&
            subs.duplicates == 0 && subs.unexpected == 0 && subs.delivered == subs.expected &&
            pub.failed == 0 && (!strict_order || subs.reordered == 0) &&
            subs.connected == plan_.subscribers() && pub.ok == plan_.events();

  nlohmann::ordered_json j;
  j["scenario"] = scenario_name(o_.scenario);
  j["label"] = o_.label;
  j["url"] = o_.url;
  j["publish_url"] = publish_url(o_);
  j["ok"] = ok;
  j["config"] = {{"protocol", o_.http2 ? (target_.tls ? "h2" : "h2c") : "http/1.1"},
                 {"tls", target_.tls},
                 {"streams_per_connection", plan_.subscribers_per_connection()},
                 {"subscribers", plan_.subscribers()},
                 {"topics", plan_.topics()},
                 {"events", plan_.events()},
                 {"event_bytes", o_.event_bytes},
                 {"rate", o_.rate},
                 {"window", o_.window},
                 {"per_topic", o_.per_topic},
                 {"strict_order", strict_order},
                 {"processes", plan_.processes()},
                 {"source_addresses", plan_.source_addresses()},
                 {"resume_behind", o_.scenario == Scenario::reconnect ? o_.resume_behind : 0}};
  j["subscribers"] = {{"requested", plan_.subscribers()},
                      {"connected", subs.connected},
                      {"failed", subs.failed},
                      {"failures", subs.failures},
                      {"dropped", subs.dropped},
                      {"lost_workers", lost_workers}};
  j["events"] = {{"published", pub.ok},         {"publish_failed", pub.failed},
                 {"expected", subs.expected},   {"delivered", subs.delivered},
                 {"missing", subs.missing},     {"duplicates", subs.duplicates},
                 {"reordered", subs.reordered}, {"unexpected", subs.unexpected},
                 {"malformed", subs.malformed}};
  if (!resume_id_.empty()) j["events"]["resumed_after_id"] = resume_id_;
  j["publish"] = {{"sent", pub.sent},
                  {"ok", pub.ok},
                  {"failed", pub.failed},
                  {"failures", pub.failures},
                  {"connect_failures", pub.connect_failures},
                  {"seconds", round3(publish_s)},
                  {"requests_per_s", publish_s > 0 ? std::round(pub.ok / publish_s) : 0.0},
                  {"latency_ms", latency_summary_ms(pub.latency)}};
  j["delivery"] = {
      {"seconds", round3(delivery_s)},
      {"events_per_s",
       delivery_s > 0 ? std::round(static_cast<double>(subs.delivered) / delivery_s) : 0.0},
      {"latency_ms", latency_summary_ms(latency)}};
  j["server"] = server_.report(subs.connected, window_s);
  j["loadgen"] = {
      {"processes", workers_.size() + 1},
      {"cpu_s", round3(loadgen_cpu)},
      {"cpu_percent", window_s > 0 ? std::round(loadgen_cpu / window_s * 1000) / 10 : 0},
      {"cpu_s_total", round3(own_cpu_s() + worker_cpu_total)}};
  j["window_s"] = round3(window_s);
  j["elapsed_s"] = round3(seconds(now_ns() - begun_));
  return j;
}

}  // namespace

nlohmann::ordered_json run_bench(Options o, const RunEnvironment& env) {
  if (auto error = validate(o)) throw std::runtime_error(*error);
  if (o.topic_prefix.empty()) {
    o.topic_prefix = "bench-" + std::to_string(::getpid()) + "-" +
                     std::to_string(static_cast<long long>(std::time(nullptr))) + "-";
  }
  std::signal(SIGPIPE, SIG_IGN);
  Coordinator c(std::move(o), env);
  return c.run();
}

}  // namespace herald::loadgen
