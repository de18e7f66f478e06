#include "herald/auth/result.hpp"

namespace herald::auth {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::malformed:
      return "malformed";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::unsupported_algorithm:
      return "unsupported_algorithm";
    case ErrorCode::algorithm_mismatch:
      return "algorithm_mismatch";
    case ErrorCode::unknown_key:
      return "unknown_key";
    case ErrorCode::bad_signature:
      return "bad_signature";
    case ErrorCode::expired:
      return "expired";
    case ErrorCode::not_yet_valid:
      return "not_yet_valid";
    case ErrorCode::invalid_claims:
      return "invalid_claims";
    case ErrorCode::bad_credentials:
      return "bad_credentials";
    case ErrorCode::invalid_key:
      return "invalid_key";
    case ErrorCode::wrong_generation:
      return "wrong_generation";
    case ErrorCode::invalid_type:
      return "invalid_type";
    case ErrorCode::untrusted_issuer:
      return "untrusted_issuer";
    case ErrorCode::invalid_audience:
      return "invalid_audience";
  }
  return "unknown";
}

}  // namespace herald::auth
