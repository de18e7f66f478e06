#pragma once
// The OpenSSL client context: peer verified by default, against the system's trust store
// or a given CA file.
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "herald/client/options.hpp"

namespace herald::client::detail {

// Returns null with `error` set when the CA file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsOptions& options,
                                                            std::string& error);

}  // namespace herald::client::detail
