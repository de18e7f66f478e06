#pragma once
// Logging glue: one line per thing that happened, human-readable or JSON.
// Deliberately tiny (std only) so every module, fuzz targets included, can log.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace herald::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };

void set_level(Level level);
void set_format(Format format);
bool enabled(Level level);

// A key/value pair attached to a line, e.g. {"conn", "42"}.
using Field = std::pair<std::string_view, std::string>;

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::debug)) write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::error, m, f);
}

}  // namespace herald::log
