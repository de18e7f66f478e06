#pragma once
// Keys generated once per test process with OpenSSL, in the forms configuration uses.
#include <string>
#include <string_view>

namespace herald::auth::test {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
  std::string certificate_pem;  // self-signed, holding public_pem's key
  std::string jwk_members;      // the public JWK members without braces: "kty":...,"n":...
};

// 2048-bit RSA (and `bits` for size tests); EC on "P-256" or "P-384".
const KeyPair& rsa_key(int bits = 2048);
const KeyPair& second_rsa_key();  // another 2048-bit key, for wrong-key tests
const KeyPair& ec_key(std::string_view curve);
// Ed25519 (jwk_members: "kty":"OKP","crv":"Ed25519","x":...); `which` picks one of several
// independent keys, for issuer and wrong-key tests.
const KeyPair& ed25519_key(int which = 0);
// Ed448: herald refuses it (no jwk_members, no certificate).
const KeyPair& ed448_key();

// {"kty":...,"kid":KID,...}: a public JWK, with `extra` members appended (",\"alg\":...").
std::string jwk(const KeyPair& key, std::string_view kid, std::string_view extra = "");

// A file holding `text`, removed at process exit; returns its path.
std::string temp_file(std::string_view text);

}  // namespace herald::auth::test
