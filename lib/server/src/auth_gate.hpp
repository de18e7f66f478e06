#pragma once
// Who a request is: the token it carries (Authorization header, `authorization` query
// parameter or cookie, in Mercure's precedence), verified with the keys of the role it
// acts in. The endpoints then decide what that identity may do (auth::can_publish,
// auth::can_receive).
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "cors.hpp"
#include "herald/auth/claims.hpp"
#include "herald/auth/token_source.hpp"
#include "herald/auth/verifier.hpp"
#include "herald/http/message.hpp"
#include "herald/server/config.hpp"

namespace herald::server {

enum class Role { publisher, subscriber };

struct Identity {
  // Shared with the stream that lives on with it; null for an anonymous request.
  std::shared_ptr<const auth::Claims> claims;
  auth::TokenSource source = auth::TokenSource::none;
  bool anonymous() const { return claims == nullptr; }
};

// A refusal: 400 (malformed credentials), 401 (no valid token) or 403 (origin).
struct Denial {
  int status;
  std::string message;
};

// The answer to a denial; a 401 carries the Bearer challenge (RFC 6750).
http::Response denial_response(const Denial& denial);

class AuthGate {
 public:
  // Loads and checks both roles' keys; throws std::invalid_argument naming the flag when
  // a key cannot verify its algorithm, so a misconfiguration stops the server at start-up.
  explicit AuthGate(const Config& config);

  // Whether tokens of this role can be checked at all.
  bool has_key(Role role) const;

  // The identity behind `request` acting as `role`. Without a key for the role, tokens
  // are not looked at and every request is anonymous (as in Mercure). A token from the
  // cookie must come with an allowed Origin (publishers: --publish-origins; subscribers:
  // --cors-origins; the hub's own origin always).
  std::variant<Identity, Denial> identify(const http::Request& request, Role role) const;

 private:
  const auth::Verifier* verifier(Role role) const;

  std::optional<auth::Verifier> publisher_;
  std::optional<auth::Verifier> subscriber_;
  std::string cookie_name_;
  Cors publish_origins_;
  Cors subscribe_origins_;
};

}  // namespace herald::server
