// The C++ side of tests/integration/url_pattern_differential.test.mjs: reads one JSON
// object per line, {"pattern": ..., "base": ..., "topics": [...]}, compiles the pattern
// against the base (an empty base for none) and prints one JSON line per input:
// {"error": "<why the pattern is refused>"} or {"matches": [<bool per topic>]}.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "herald/match/url_pattern.hpp"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto request = nlohmann::json::parse(line);
    std::string error;
    const auto pattern = herald::match::UrlPattern::compile(
        request.at("pattern").get<std::string>(), request.value("base", ""), &error);
    nlohmann::json response;
    if (!pattern) {
      response["error"] = error;
    } else {
      response["matches"] = nlohmann::json::array();
      for (const auto& topic : request.at("topics"))
        response["matches"].push_back(pattern->matches(topic.get<std::string>()));
    }
    std::cout << response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return 0;
}
