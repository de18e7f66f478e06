#include "herald/auth/access_grants.hpp"

namespace herald::auth {

std::string_view matcher_type_name(MatcherType type) {
  switch (type) {
    case MatcherType::exact:
      return "exact";
    case MatcherType::urlpattern:
      return "urlpattern";
  }
  return "exact";
}

}  // namespace herald::auth
