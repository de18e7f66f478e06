#include "sub_command.hpp"

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/client/event_source.hpp"
#include "hub_url.hpp"

namespace herald::app {

namespace {

struct SubFlags {
  std::string url;
  Selectors selectors;  // last_event_id is set from the flag in run_sub
  std::string last_event_id;
  std::string jwt;
  bool json = false;
  std::size_t count = 0;
  std::string read_timeout = "45s";
  std::string ca_file;
  bool http2 = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "herald sub: %s\n", message.c_str());
  return 2;
}

// Appends `text` as a JSON string. The parser hands over valid UTF-8 (bad bytes are already
// U+FFFD), so only quotes, backslashes and control characters need escaping; doing it here
// rather than through a JSON library keeps --json close to the speed of plain output.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not copied yet
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(text.substr(run));
  out.push_back('"');
}

void print(const client::MessageEvent& e, bool json, std::string& line) {
  if (json) {
    line.assign("{\"id\":");
    append_json_string(line, e.last_event_id);
    line.append(",\"type\":");
    append_json_string(line, e.type);
    line.append(",\"data\":");
    append_json_string(line, e.data);
    line.append("}\n");
    std::fwrite(line.data(), 1, line.size(), stdout);
  } else {
    std::fwrite(e.data.data(), 1, e.data.size(), stdout);
    std::fputc('\n', stdout);
  }
}

int run_sub(SubFlags& f) {
  if (!f.selectors.topics.empty() && f.selectors.v1()) {
    return usage_error(
        "--topic (Mercure 0.x) and --match/--match-urlpattern (Mercure 1.0) cannot be mixed: "
        "a hub refuses a subscription that uses both generations");
  }
  // Under 1.0 the first connection asks with last_event_id= on the URL, the way a browser
  // (which cannot set headers) does; reconnections send the Last-Event-ID header of the
  // last event received, which the hub prefers to the query.
  if (f.selectors.v1()) f.selectors.last_event_id = f.last_event_id;
  std::string error;
  const auto url = subscription_url(f.url, f.selectors, error);
  if (!url) return usage_error("URL '" + f.url + "': " + error);
  const auto read_timeout = parse_duration(f.read_timeout);
  if (!read_timeout) return usage_error("--read-timeout: not a duration: " + f.read_timeout);

  client::Options options;
  options.url = *url;
  if (!f.selectors.v1()) options.last_event_id = f.last_event_id;
  if (!f.jwt.empty()) options.headers.push_back({"Authorization", "Bearer " + f.jwt});
  options.policy.read_timeout = *read_timeout;
  options.policy.retry_server_errors = true;  // a hub at its connection limit answers 503
  options.tls.ca_file = f.ca_file;
  if (f.http2) options.http2 = client::Http2::required;

  boost::asio::io_context io;
  std::unique_ptr<client::EventSource> source;
  try {
    source = std::make_unique<client::EventSource>(io.get_executor(), options);
  } catch (const std::invalid_argument& e) {
    return usage_error(e.what());
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) source->close();  // a clean end: exit 0
  });
  int exit_code = 0;
  std::size_t received = 0;
  bool flush_pending = false;
  std::string line;  // reused for every JSON line
  // Flushed once per read (below), so a large buffer saves write calls, not latency.
  std::setvbuf(stdout, nullptr, _IOFBF, 64 * 1024);
  source->on_event([&](const client::MessageEvent& e) {
    print(e, f.json, line);
    // One flush per read, not per event: runs after the events of this read are printed.
    if (!flush_pending) {
      flush_pending = true;
      boost::asio::post(io, [&] {
        std::fflush(stdout);
        flush_pending = false;
      });
    }
    if (f.count > 0 && ++received >= f.count) {
      source->close();
      signals.cancel();
    }
  });
  source->on_error([&](const client::Error& e) {
    if (e.kind == client::ErrorKind::event_too_large) {
      std::fprintf(stderr, "herald sub: %s\n", e.message.c_str());
    } else if (e.will_retry) {
      std::fprintf(stderr, "herald sub: %s; reconnecting in %lld ms\n", e.message.c_str(),
                   static_cast<long long>(e.retry_in.count()));
    } else {
      std::fprintf(stderr, "herald sub: %s\n", e.message.c_str());
      exit_code = 1;
      signals.cancel();
    }
  });
  source->start();
  io.run();
  std::fflush(stdout);
  return exit_code;
}

}  // namespace

void add_sub_command(CLI::App& app) {
  auto f = std::make_shared<SubFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sub", "Read a text/event-stream URL, or a Mercure hub's topics, and print the events");
  cmd->footer(
      "Two modes:\n"
      "  plain    herald sub http://127.0.0.1:8080/demo/clock\n"
      "           any SSE URL, used exactly as given (its query included).\n"
      "  Mercure  herald sub http://127.0.0.1:8080 --topic urn:chat\n"
      "           herald sub http://127.0.0.1:8080 --match urn:chat\n"
      "           with --topic (Mercure 0.x) or --match/--match-urlpattern (Mercure 1.0):\n"
      "           the hub's base URL or its /.well-known/mercure URL, one query parameter\n"
      "           added per flag. A /.well-known/mercure URL whose query names the topics\n"
      "           needs neither.\n"
      "Mercure 0.x: --topic is a topic or a URI template (https://example.com/books/{id}\n"
      "matches https://example.com/books/1); --last-event-id goes as the Last-Event-ID header.\n"
      "Mercure 1.0: --match is an exact topic, byte for byte (https://example.com/books/{id}\n"
      "matches only that very string); --match-urlpattern is a WHATWG URL Pattern\n"
      "(https://example.com/books/:id); a relative topic or pattern (/books/:id) resolves\n"
      "against the hub's URL. Values go as match= and match_urlpattern=, encoded as\n"
      "URLSearchParams would; --last-event-id goes as last_event_id= on the first request.\n"
      "--topic cannot be used together with --match or --match-urlpattern: a hub refuses a\n"
      "subscription that mixes the two generations.\n"
      "Several selectors share one subscription: one request, one stream.\n"
      "HTTP version: https offers h2 and http/1.1 (ALPN) and takes what the server picks;\n"
      "http is HTTP/1.1. --http2 insists on HTTP/2: h2c with prior knowledge on http://\n"
      "(as `herald serve` speaks on its --listen port), h2 on https:// (a server that does\n"
      "not agree is an error).\n"
      "Prints each event's data on a line (or, with --json, one JSON object per line:\n"
      "id, type, data). Reconnects by itself and resumes with Last-Event-ID.\n"
      "Exit codes: 0 after --count events or on SIGINT/SIGTERM; 1 when the server refuses\n"
      "the stream for good (a 4xx, a 204, not text/event-stream); 2 on bad usage.\n"
      "Every flag can also be set as an environment variable HERALD_<FLAG>.");
  cmd->add_option("url", f->url,
                  "The SSE URL, or a Mercure hub's base URL with --topic or --match*")
      ->required()
      ->envname("HERALD_URL");
  // One value per --topic, so a positional after it (the URL) is not taken as a topic.
  flag(*cmd, "topic", f->selectors.topics,
       "Mercure 0.x: topic or URI template to subscribe to (repeatable)")
      ->allow_extra_args(false);
  flag(*cmd, "match", f->selectors.matches,
       "Mercure 1.0: topic to match exactly, byte for byte (repeatable)")
      ->allow_extra_args(false);
  flag(*cmd, "match-urlpattern", f->selectors.url_patterns,
       "Mercure 1.0: URL Pattern of the topics to match (repeatable)")
      ->allow_extra_args(false);
  flag(*cmd, "last-event-id", f->last_event_id,
       "Resume after this event id (`earliest`: everything the hub holds)");
  flag(*cmd, "jwt", f->jwt, "Subscriber JWT, sent as Authorization: Bearer");
  cmd->add_flag("--json", f->json, "One JSON object per event: {\"id\",\"type\",\"data\"}")
      ->envname("HERALD_JSON");
  flag(*cmd, "count", f->count, "Exit after this many events (0: never)");
  flag(*cmd, "read-timeout", f->read_timeout,
       "Reconnect when nothing (not even a heartbeat) came for this long (0: never)")
      ->capture_default_str();
  flag(*cmd, "ca-file", f->ca_file, "PEM file of CA certificates to trust for https");
  cmd->add_flag("--http2", f->http2,
                "HTTP/2 only: h2c with prior knowledge on http://, h2 required on https://")
      ->envname("HERALD_HTTP2");
  cmd->callback([f] { throw CLI::RuntimeError(run_sub(*f)); });
}

}  // namespace herald::app
