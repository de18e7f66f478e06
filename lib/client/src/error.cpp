#include "herald/client/error.hpp"

namespace herald::client {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::network:
      return "network";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::connect_timeout:
      return "connect_timeout";
    case ErrorKind::read_timeout:
      return "read_timeout";
    case ErrorKind::stream_ended:
      return "stream_ended";
    case ErrorKind::http_status:
      return "http_status";
    case ErrorKind::content_type:
      return "content_type";
    case ErrorKind::bad_redirect:
      return "bad_redirect";
    case ErrorKind::event_too_large:
      return "event_too_large";
    case ErrorKind::bad_options:
      return "bad_options";
  }
  return "unknown";
}

}  // namespace herald::client
