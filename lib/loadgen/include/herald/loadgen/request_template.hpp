#pragma once
// Request templates: a target or body with {topic} and {data} placeholders, compiled once
// and rendered per request into a reused buffer (no allocation once it has grown). Each
// publish format says how the values are escaped and which Content-Type goes with it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::loadgen {

enum class Escape { none, url, json };

// Appends `text` escaped: url = percent-encoding of all but unreserved characters (valid
// in a query, a path segment and an x-www-form-urlencoded body); json = the inside of a
// JSON string.
void append_escaped(std::string& out, std::string_view text, Escape escape);

class Template {
 public:
  // `{topic}` and `{data}` are placeholders; every other byte (other braces too, so JSON
  // bodies need no escaping) is literal.
  explicit Template(std::string_view text);
  // Appends the rendering to `out`.
  void render(std::string& out, std::string_view topic, std::string_view data, Escape escape) const;

 private:
  enum class Kind { literal, topic, data };
  struct Segment {
    Kind kind;
    std::string text;
  };
  std::vector<Segment> segments_;
};

struct PublishFormat {
  std::string content_type;
  std::string default_body;
  Escape escape = Escape::none;
};

// "form" (Mercure), "json" or "raw" (the data is the body); nullopt for another name.
std::optional<PublishFormat> publish_format(std::string_view name);

}  // namespace herald::loadgen
