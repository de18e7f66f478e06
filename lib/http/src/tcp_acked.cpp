// Its own file: <linux/tcp.h> (which has tcpi_bytes_acked; glibc's struct lacks it)
// clashes with <netinet/tcp.h>, which Asio includes.
#include "tcp_acked.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace herald::http {

std::uint64_t tcp_bytes_acked(int fd) {
  tcp_info info{};
  socklen_t size = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return 0;
  return info.tcpi_bytes_acked;
}

}  // namespace herald::http
