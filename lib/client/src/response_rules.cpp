#include "herald/client/response_rules.hpp"

namespace herald::client {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

std::string_view media_type_essence(std::string_view content_type, char (&scratch)[64]) {
  std::string_view essence = content_type.substr(0, content_type.find(';'));
  while (!essence.empty() && is_space(essence.front()))
    essence.remove_prefix(1);
  while (!essence.empty() && is_space(essence.back()))
    essence.remove_suffix(1);
  // Longer than any type we compare against: it cannot match, whatever its case.
  if (essence.size() > sizeof scratch) return essence;
  for (std::size_t i = 0; i < essence.size(); ++i) {
    const char c = essence[i];
    scratch[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return {scratch, essence.size()};
}

// Parameters (a charset included) are ignored: the body is always decoded as UTF-8
// (SSE-SPEC.md rule 1), so a charset cannot change how we read it.
bool is_event_stream(std::string_view content_type) {
  char scratch[64];
  return media_type_essence(content_type, scratch) == "text/event-stream";
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool redirect_drops_body(int status, std::string_view method) {
  return status == 303 || ((status == 301 || status == 302) && method == "POST");
}

Verdict classify(int status, std::string_view content_type, bool retry_server_errors) {
  if (status == 200) return is_event_stream(content_type) ? Verdict::open : Verdict::fail;
  if (status == 204) return Verdict::stop;
  if (is_redirect(status)) return Verdict::redirect;
  if (status >= 500 && status <= 599 && retry_server_errors) return Verdict::retry_later;
  return Verdict::fail;
}

}  // namespace herald::client
