#pragma once
// Who a request is: the token it carries, verified under the rules of the Mercure generation
// it speaks (0.x: the role's key; 1.0: the trusted issuers' keys, the same for both roles),
// taken from the Authorization header, the `authorization` query parameter (0.x only) or a
// cookie. The endpoints then decide what that identity may do (auth::can_publish; the hub,
// which private updates a subscriber receives), and every refusal carries its RFC 6750
// challenge.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "cors.hpp"
#include "herald/auth/access_verifier.hpp"
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

// A refusal: 400 (malformed credentials), 401 (no valid token) or 403 (a token that does
// not grant the operation, or a cookie from a foreign origin).
struct Denial {
  int status;
  std::string message;
  // The `WWW-Authenticate` value (auth::bearer_challenge). Empty: a 401 gets a bare
  // `Bearer` challenge, anything else none.
  std::string challenge;
};

// The answer to a denial: the message as text/plain, and its challenge.
http::Response denial_response(const Denial& denial);

class AuthGate {
 public:
  // Loads and checks both roles' keys and the --jwt-issuer specs; throws
  // std::invalid_argument naming the flag when one is wrong, so a misconfiguration stops
  // the server at start-up.
  explicit AuthGate(const Config& config);

  // Whether tokens of this role can be checked at all, in a generation the hub speaks.
  bool has_key(Role role) const;

  // The identity behind `request` acting as `role`. Without a key for the role, tokens
  // are not looked at and every request is anonymous (as in Mercure). A publisher that
  // presents no token is refused here (publishing always needs one). A token from a cookie
  // must come with an allowed Origin (publishers: --publish-origins; subscribers:
  // --cors-origins; the hub's own origin always).
  std::variant<Identity, Denial> identify(const http::Request& request, Role role) const;

  // 401 for a request that needs a token and has none: no error code (RFC 6750 3.1), and
  // where the hub's protected resource metadata is when the hub speaks 1.0.
  Denial no_token(std::string message) const;
  // 403 for a valid token that does not grant the operation.
  Denial insufficient_scope(std::string message) const;

 private:
  const auth::Verifier* verifier(Role role) const;
  std::variant<std::string, Denial> token_of(const http::Request& request, Role role,
                                             auth::TokenSource& source) const;
  std::variant<auth::Claims, Denial> verify(const std::string& token, Role role,
                                            auth::TokenSource source) const;
  Denial invalid_token(std::string message) const;
  Denial invalid_request(std::string message) const;

  std::optional<auth::Verifier> publisher_;
  std::optional<auth::Verifier> subscriber_;
  // 1.0 access tokens, for both roles: their grants' actions tell the roles apart.
  std::optional<auth::AccessVerifier> access_;
  bool speaks_v0_;
  bool speaks_v1_;
  // Named in every challenge when the hub speaks 1.0; empty otherwise.
  std::string resource_metadata_url_;
  std::string cookie_name_;
  std::string access_cookie_name_;
  Cors publish_origins_;
  Cors subscribe_origins_;
};

}  // namespace herald::server
