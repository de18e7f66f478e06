#pragma once
// How far a peer has read: the bytes it acknowledged (TCP_INFO tcpi_bytes_acked). A write
// in flight makes no visible progress until it completes, so the write-stall check asks
// the kernel whether the peer took anything at all.
#include <cstdint>

namespace herald::http {

// Bytes of this socket the peer acknowledged so far; 0 when the kernel cannot tell.
std::uint64_t tcp_bytes_acked(int fd);

}  // namespace herald::http
