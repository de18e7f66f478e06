#pragma once
// The lines a coordinator and its worker processes exchange over pipes.
//   worker -> coordinator (stdout): "ready\n", then "result <json>\n"
//   coordinator -> worker (stdin):  "published\n" (every event is out: start the drain);
//   end of input means the coordinator is gone: report and stop.
#include <string_view>

namespace herald::loadgen::protocol {

inline constexpr std::string_view ready = "ready";
inline constexpr std::string_view result = "result ";
inline constexpr std::string_view published = "published";

}  // namespace herald::loadgen::protocol
