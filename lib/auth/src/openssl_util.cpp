#include "openssl_util.hpp"

#include <openssl/err.h>

namespace herald::auth::ossl {

std::string take_error() {
  const unsigned long code = ERR_peek_error();
  std::string text = "unknown OpenSSL error";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text = buf;
  }
  ERR_clear_error();
  return text;
}

}  // namespace herald::auth::ossl
