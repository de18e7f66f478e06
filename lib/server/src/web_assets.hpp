#pragma once
// The files of web/, embedded at build time by cmake/embed_web.cmake.
#include <cstddef>
#include <string_view>

namespace herald::server {

struct WebAsset {
  const char* path;  // "/index.html"
  const char* content_type;
  const char* data;
  std::size_t size;
};

extern const WebAsset web_assets[];  // ends with a {nullptr...} entry

inline const WebAsset* find_web_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const WebAsset* a = web_assets; a->path != nullptr; ++a) {
    if (path == a->path) return a;
  }
  return nullptr;
}

}  // namespace herald::server
