#pragma once
// The Mercure draft's reserved hub namespace ("Publication", "Reserved Hub Namespace"): the
// path subtree of the hub's URL holds the hub's own topics (subscription events), which no
// publisher may address, whether spelled relative, absolute with any scheme or host, with
// dot segments, or with percent-encoded unreserved characters.
#include <memory>
#include <string>
#include <string_view>

namespace herald::match {

struct Url;  // src/url.hpp: the parsed form stays out of the interface

class ReservedPath {
 public:
  // Parses `hub_url` once: every publish checks each of its topics against it. A hub URL
  // that is not a URL, or has an opaque path, reserves nothing.
  explicit ReservedPath(std::string_view hub_url);

  // Whether `topic`, resolved against the hub URL with the URL parser URL patterns use, has
  // the hub URL's path or a path under it (that path followed by '/'), compared after dot
  // segments are removed and percent-encoded unreserved characters decoded. A topic that is
  // not a URL reference (or has an opaque path, "urn:...") cannot name a hub path: false.
  bool addressed_by(std::string_view topic) const;

 private:
  // Null when the hub URL reserves nothing. Immutable: copies share it, and threads may
  // check topics concurrently.
  std::shared_ptr<const Url> base_;
  std::string hub_path_;  // normalized as topics' paths are
};

}  // namespace herald::match
