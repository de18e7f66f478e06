#include "subscribe_request.hpp"

#include <algorithm>

#include "herald/base/form.hpp"
#include "herald/base/strings.hpp"

namespace herald::server {

namespace {

using Result = std::variant<SubscribeRequest, SubscribeRefusal>;

SubscribeRefusal refuse(std::string message) {
  return {400, std::move(message)};
}

// The draft reserves every parameter name that starts with "match" in any case, so that a
// misspelled matcher type fails loudly instead of being ignored.
bool in_match_namespace(std::string_view name) {
  return name.size() >= 5 && iequals(name.substr(0, 5), "match");
}

bool is_v1_name(std::string_view name) {
  return in_match_namespace(name) || name == "last_event_id";
}

bool is_v0_name(std::string_view name) {
  return name == "topic" || name == "lastEventID" || name == "Last-Event-ID";
}

// Adds `m` unless the request already holds the same matcher: a subscriber asking twice
// means it once (the draft lets hubs deduplicate), and the fan-out wants each once.
void add_distinct(std::vector<RequestedMatcher>& out, RequestedMatcher m) {
  auto same = [&](const RequestedMatcher& o) { return o.selector == m.selector; };
  if (std::none_of(out.begin(), out.end(), same)) out.push_back(std::move(m));
}

// What one subscription's evaluated selectors (URI templates, URL patterns) cost together:
// each is kept for the subscription's life and run against every new topic.
struct PatternBudget {
  std::size_t bytes = 0;
  std::size_t variables = 0;
};

std::optional<SubscribeRefusal> charge(PatternBudget& budget, const match::Selector& s,
                                       const Config& config) {
  if (!s.is_evaluated()) return std::nullopt;
  if (const match::UriTemplate* tmpl = s.uri_template()) {
    budget.variables += tmpl->variable_count();
    if (budget.variables > config.max_template_variables) {
      return refuse("URI-template selectors with more than " +
                    std::to_string(config.max_template_variables) +
                    " variables together (--max-template-variables)");
    }
  }
  budget.bytes += s.text().size();
  if (budget.bytes > config.max_template_bytes) {
    return refuse("URI-template and URL-pattern selectors longer than " +
                  std::to_string(config.max_template_bytes) +
                  " bytes together (--max-template-bytes)");
  }
  return std::nullopt;
}

// `what`: "topic matcher" (1.0) or "topic selector" (0.x), as each generation calls them.
std::optional<SubscribeRefusal> check_count_and_length(std::size_t held, std::string_view value,
                                                       const Config& config,
                                                       const std::string& what) {
  if (held >= config.max_topics_per_request) {
    return refuse("too many " + what + "s (limit " + std::to_string(config.max_topics_per_request) +
                  ")");
  }
  if (value.size() > config.max_selector_bytes) {
    return refuse(what + " longer than " + std::to_string(config.max_selector_bytes) +
                  " bytes (--max-selector-bytes)");
  }
  return std::nullopt;
}

Result read_v1(const std::vector<form::Field>& query, const std::vector<form::Field>& body,
               const Config& config, std::string_view hub_url) {
  SubscribeRequest out;
  out.generation = auth::TokenGeneration::mercure_1;
  PatternBudget budget;
  bool query_cursor = false;
  // Query first, then body: a subscription for every matcher of the union, and the query's
  // last_event_id over the body's.
  for (const auto* fields : {&query, &body}) {
    for (const form::Field& f : *fields) {
      if (f.name == "last_event_id") {
        if (fields == &query && !query_cursor) {
          out.last_event_id = f.value;
          query_cursor = true;
        } else if (fields == &body && !query_cursor && out.last_event_id.empty()) {
          out.last_event_id = f.value;
        }
        continue;
      }
      if (!in_match_namespace(f.name)) continue;  // unknown parameters are ignored
      const bool exact = f.name == "match" || f.name == "match_exact";
      if (!exact && f.name != "match_urlpattern") {
        return refuse("unknown topic matcher parameter '" + f.name +
                      "': the match prefix is reserved, and this hub supports match, "
                      "match_exact and match_urlpattern");
      }
      if (auto r = check_count_and_length(out.matchers.size(), f.value, config, "topic matcher")) {
        return *r;
      }
      std::string why;
      auto selector = exact ? match::Selector::exact(f.value, &why)
                            : match::Selector::url_pattern(f.value, hub_url, &why);
      if (!selector) return refuse("bad " + f.name + " value: " + why);
      if (auto r = charge(budget, *selector, config)) return *r;
      add_distinct(out.matchers, {std::move(*selector), exact ? "exact" : "urlpattern"});
    }
  }
  if (out.matchers.empty()) {
    return refuse("missing topic matcher: give at least one match (or match_urlpattern) parameter");
  }
  return out;
}

Result read_v0(const std::vector<form::Field>& query, const Config& config) {
  SubscribeRequest out;
  PatternBudget budget;
  std::string legacy_last_event_id;
  for (const form::Field& f : query) {
    if (f.name == "topic") {
      if (auto r = check_count_and_length(out.matchers.size(), f.value, config, "topic selector")) {
        return *r;
      }
      std::string why;
      auto selector = match::Selector::parse(f.value, &why);
      if (!selector) return refuse("bad topic selector: " + why);
      if (auto r = charge(budget, *selector, config)) return *r;
      add_distinct(out.matchers, {std::move(*selector), {}});
    } else if (f.name == "lastEventID") {
      out.last_event_id = f.value;
    } else if (f.name == "Last-Event-ID") {
      legacy_last_event_id = f.value;  // older Mercure clients' spelling
    }
  }
  if (out.last_event_id.empty()) out.last_event_id = std::move(legacy_last_event_id);
  if (out.matchers.empty()) {
    return refuse(config.speaks_v1()
                      ? "missing topic: give at least one match (Mercure 1.0) or topic (0.x) "
                        "parameter"
                      : "missing topic: give at least one topic parameter");
  }
  return out;
}

}  // namespace

Result read_subscribe_request(const SubscribeInput& input, const Config& config,
                              std::string_view hub_url) {
  std::vector<form::Field> query;
  std::vector<form::Field> body;
  std::string error;
  form::Limits limits;
  limits.max_fields = config.max_form_fields;
  if (!form::decode(input.query, query, error, limits)) return refuse(error);
  if (input.body && !form::decode(*input.body, body, error, limits)) {
    return refuse("form body: " + error);
  }

  auto any_of = [](const std::vector<form::Field>& fields, bool (*pred)(std::string_view)) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const form::Field& f) { return pred(f.name); });
  };
  const bool v1 = any_of(query, is_v1_name) || any_of(body, is_v1_name);
  const bool v0 = any_of(query, is_v0_name) || any_of(body, is_v0_name);
  if (v1 && v0) {
    return refuse(
        "this request mixes Mercure 0.x parameters (topic, lastEventID) with 1.0 ones (match, "
        "match_urlpattern, last_event_id): use one generation");
  }
  if (v0 && !body.empty()) {
    return refuse("a form body carries Mercure 1.0 parameters (match, last_event_id) only");
  }
  if (v1 && !config.speaks_v1()) {
    return refuse("this hub speaks Mercure 0.x only (--protocol 0): subscribe with topic=...");
  }
  if (v0 && !config.speaks_v0()) {
    return refuse(
        "this hub speaks Mercure 1.0 only (--protocol 1): subscribe with match=... (topic= is "
        "Mercure 0.x)");
  }
  if (!v1 && !config.speaks_v0()) {
    return refuse(
        "missing topic matcher: this hub speaks Mercure 1.0 only (--protocol 1), give at least "
        "one match (or match_urlpattern) parameter");
  }
  Result result = v1 ? read_v1(query, body, config, hub_url) : read_v0(query, config);
  if (auto* request = std::get_if<SubscribeRequest>(&result)) {
    // The header wins: it is what a reconnecting browser sends.
    if (input.has_last_event_id_header && !input.last_event_id_header.empty()) {
      request->last_event_id = std::string(input.last_event_id_header);
    }
    request->has_last_event_id = !request->last_event_id.empty();
  }
  return result;
}

}  // namespace herald::server
