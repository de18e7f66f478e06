#include "pub_command.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_flag.hpp"
#include "duration.hpp"
#include "herald/base/strings.hpp"
#include "herald/client/fetch.hpp"
#include "hub_url.hpp"

namespace herald::app {

namespace {

struct PubFlags {
  std::string url;
  std::vector<std::string> topics;
  std::string data;
  std::string data_file;
  std::string stdin_marker;  // "-": the data comes from standard input
  std::string id;
  std::string type;
  std::string retry;
  bool is_private = false;
  std::string jwt;
  std::string timeout = "10s";
  std::string ca_file;
};

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "herald pub: %s\n", message.c_str());
  return code;
}

bool read_all(std::istream& in, std::string& out) {
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

void add_field(std::string& form, std::string_view name, std::string_view value) {
  if (!form.empty()) form += '&';
  form.append(name);
  form += '=';
  form += client::percent_encode(value);
}

int run_pub(PubFlags& f) {
  std::string error;
  const auto endpoint = mercure_endpoint(f.url, error);
  if (!endpoint) return fail(2, "URL '" + f.url + "': " + error);
  const auto timeout = parse_duration(f.timeout);
  if (!timeout || timeout->count() <= 0) return fail(2, "--timeout: not a duration: " + f.timeout);
  if (f.stdin_marker == "-" && (!f.data.empty() || !f.data_file.empty())) {
    return fail(2, "give the data one way: --data, --data-file or -");
  }
  if (!f.data_file.empty()) {
    std::ifstream file(f.data_file, std::ios::binary);
    if (!file || !read_all(file, f.data)) return fail(2, "cannot read " + f.data_file);
  } else if (f.stdin_marker == "-") {
    if (!read_all(std::cin, f.data)) return fail(2, "cannot read standard input");
  }

  std::string form;
  for (const auto& topic : f.topics)
    add_field(form, "topic", topic);
  add_field(form, "data", f.data);
  if (!f.id.empty()) add_field(form, "id", f.id);
  if (!f.type.empty()) add_field(form, "type", f.type);
  if (!f.retry.empty()) add_field(form, "retry", f.retry);
  if (f.is_private) add_field(form, "private", "on");

  client::FetchOptions request;
  request.method = "POST";
  request.url = endpoint->str();
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  if (!f.jwt.empty()) request.headers.push_back({"Authorization", "Bearer " + f.jwt});
  request.body = std::move(form);
  request.timeout = *timeout;
  request.tls.ca_file = f.ca_file;
  const client::FetchResult answer = client::fetch(request);
  if (!answer.ok()) return fail(1, answer.error);
  if (answer.status < 200 || answer.status > 299) {
    std::string message = std::to_string(answer.status) + " " + answer.reason;
    const std::string body = one_line(answer.body);
    if (!body.empty()) message += ": " + body;
    return fail(1, message);
  }
  std::printf("%s\n", answer.body.c_str());
  return 0;
}

}  // namespace

void add_pub_command(CLI::App& app) {
  auto f = std::make_shared<PubFlags>();
  CLI::App* cmd = app.add_subcommand("pub", "Publish one event to the hub and print its id");
  cmd->footer(
      "The data comes from --data, --data-file, or standard input with - (before or after\n"
      "the URL; also when the URL comes from HERALD_URL).\n"
      "One event reaches subscribers of both Mercure generations: 0.x topic selectors and\n"
      "1.0 matchers alike. --private sends private=on, private under both (1.0 marks an\n"
      "update private by the field's presence, whatever its value).\n"
      "Exit codes: 0 the hub took the event; 1 it refused (any status but 2xx: its message\n"
      "is printed) or could not be reached; 2 on bad usage.\n"
      "Every flag can also be set as an environment variable HERALD_<FLAG>.");
  // The operands, in either order: the URL (or HERALD_URL) and -. Each positional is tried
  // in turn and a value goes to the first that validates, so with the URL from HERALD_URL
  // a lone - still means standard input rather than being taken for the URL.
  cmd->validate_positionals();
  const CLI::Validator not_dash(
      [](std::string& value) { return value == "-" ? "- reads standard input, it is no URL" : ""; },
      "", "not -");
  cmd->add_option("url", f->url, "The hub: base URL or the full /.well-known/mercure URL")
      ->required()
      ->envname("HERALD_URL")
      ->check(not_dash);
  cmd->add_option("stdin", f->stdin_marker, "- to read the data from standard input")
      ->check(CLI::IsMember({"-"}));
  // One value per --topic, so a positional after it (the URL, or -) is not taken as a topic.
  flag(*cmd, "topic", f->topics, "Topic of the event (repeatable)")
      ->required()
      ->allow_extra_args(false);
  auto* data = flag(*cmd, "data", f->data, "The event's data");
  auto* data_file = flag(*cmd, "data-file", f->data_file, "Read the event's data from this file");
  data->excludes(data_file);
  flag(*cmd, "id", f->id, "The event id (default: the hub makes one)");
  flag(*cmd, "type", f->type, "The event type (the SSE event: field)");
  flag(*cmd, "retry", f->retry, "Reconnection time to send to subscribers, in ms");
  cmd->add_flag("--private", f->is_private, "Only subscribers authorized for the topic get it")
      ->envname("HERALD_PRIVATE");
  flag(*cmd, "jwt", f->jwt, "Publisher JWT (mercure.publish claim), sent as Authorization: Bearer");
  flag(*cmd, "timeout", f->timeout, "Give up after this long")->capture_default_str();
  flag(*cmd, "ca-file", f->ca_file, "PEM file of CA certificates to trust for https");
  cmd->callback([f] { throw CLI::RuntimeError(run_pub(*f)); });
}

}  // namespace herald::app
