#include "herald/auth/key_source.hpp"

#include <fstream>

#include "herald/auth/jwks.hpp"

namespace herald::auth {

namespace {

constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;

Error key_error(std::string message) {
  return make_error(ErrorCode::invalid_key, std::move(message));
}

bool is_json(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

std::string without_trailing_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

Result<Key> checked(Result<Key> key, Algorithm alg) {
  if (!key) return key;
  std::string why;
  if (!key->fits(alg, &why)) return key_error(why);
  return key;
}

}  // namespace

Result<std::string> read_key_text(std::string_view spec) {
  if (spec.empty()) return key_error("no key given");
  if (spec.front() != '@') return std::string(spec);
  const std::string path(spec.substr(1));
  std::ifstream in(path, std::ios::binary);
  if (!in) return key_error("cannot open key file " + path);
  std::string text;
  text.resize(kMaxKeyFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxKeyFileBytes) {
    return make_error(ErrorCode::too_large, "key file " + path + " is larger than 1 MiB");
  }
  if (in.bad()) return key_error("cannot read key file " + path);
  return text;
}

Result<KeySet> load_verification_keys(std::string_view spec, Algorithm alg) {
  auto text = read_key_text(spec);
  if (!text) return text.error();
  if (is_json(*text)) return parse_jwks(*text, alg);
  Result<Key> key = key_kind(alg) == KeyKind::hmac
                        ? Key::from_secret(spec.front() == '@' ? without_trailing_newline(*text)
                                                               : std::move(*text))
                        : Key::from_public_pem(*text);
  key = checked(std::move(key), alg);
  if (!key) return key.error();
  KeySet set;
  set.add(std::move(*key));
  return set;
}

Result<Key> load_signing_key(std::string_view spec, Algorithm alg) {
  auto text = read_key_text(spec);
  if (!text) return text.error();
  if (key_kind(alg) == KeyKind::hmac) {
    return checked(
        Key::from_secret(spec.front() == '@' ? without_trailing_newline(*text) : std::move(*text)),
        alg);
  }
  return checked(Key::from_private_pem(*text), alg);
}

}  // namespace herald::auth
