#include "transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>

namespace herald::client::detail {

namespace ssl = boost::asio::ssl;

Transport::Transport(const boost::asio::any_io_executor& executor, ssl::context* tls)
    : resolver_(executor), plain_(executor), tls_context_(tls) {}

void Transport::connect(const Url& url, ConnectHandler done, bool offer_h2) {
  url_ = url;
  offer_h2_ = offer_h2;
  done_ = std::move(done);
  resolver_.async_resolve(
      url_.host, std::to_string(url_.port),
      [this](const error_code& ec, const tcp::resolver::results_type& r) { on_resolved(ec, r); });
}

void Transport::on_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
  if (ec) {
    finish(ConnectError{"cannot resolve " + url_.host + ": " + ec.message()});
    return;
  }
  boost::asio::async_connect(
      plain_, results, [this](const error_code& e, const tcp::endpoint&) { on_connected(e); });
}

void Transport::on_connected(const error_code& ec) {
  if (ec) {
    finish(ConnectError{"cannot connect to " + url_.authority() + ": " + ec.message()});
    return;
  }
  error_code ignored;
  plain_.set_option(tcp::no_delay(true), ignored);  // the request goes out in one write
  if (!url_.tls()) {
    finish(std::nullopt);
    return;
  }
  if (tls_context_ == nullptr) {
    finish(ConnectError{"https URL without a TLS context", true, true});
    return;
  }
  tls_.emplace(plain_, *tls_context_);
  SSL* native = tls_->native_handle();
  error_code not_ip;
  boost::asio::ip::make_address(url_.host, not_ip);
  // OpenSSL checks the name (or IP address) itself, so a mismatch shows in the verify
  // result like any other certificate error.
  X509_VERIFY_PARAM* param = SSL_get0_param(native);
  if (not_ip) {
    SSL_set_tlsext_host_name(native, url_.host.c_str());  // SNI is for names only
    X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), 0);
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str());
  }
  if (offer_h2_) {
    static constexpr unsigned char h2_then_http1[] = "\x02h2\x08http/1.1";
    SSL_set_alpn_protos(native, h2_then_http1, sizeof h2_then_http1 - 1);
  }
  tls_->async_handshake(ssl::stream_base::client, [this](const error_code& e) { on_handshake(e); });
}

void Transport::on_handshake(const error_code& ec) {
  if (!ec) {
    finish(std::nullopt);
    return;
  }
  const long verify = SSL_get_verify_result(tls_->native_handle());
  if (verify != X509_V_OK) {
    finish(ConnectError{
        "certificate of " + url_.host + " not trusted: " + X509_verify_cert_error_string(verify),
        true, true});
    return;
  }
  finish(ConnectError{"TLS handshake with " + url_.authority() + " failed: " + ec.message(), true});
}

bool Transport::alpn_h2() {
  if (!tls_) return false;
  const unsigned char* protocol = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(tls_->native_handle(), &protocol, &size);
  return std::string_view(reinterpret_cast<const char*>(protocol), size) == "h2";
}

void Transport::finish(std::optional<ConnectError> error) {
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(error);
}

void Transport::close() {
  resolver_.cancel();
  error_code ignored;
  plain_.close(ignored);
}

}  // namespace herald::client::detail
