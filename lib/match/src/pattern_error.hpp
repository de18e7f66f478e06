// What every stage of pattern compilation throws: a message a 400 response can carry.
#pragma once

#include <stdexcept>

namespace herald::match {

struct PatternError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace herald::match
