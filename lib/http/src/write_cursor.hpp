#pragma once
// How far a gathered write has got: the transports write a span of buffers over several
// system calls (or TLS records) and go on from where the last one stopped.
#include <algorithm>
#include <cstddef>
#include <span>

#include <boost/asio/buffer.hpp>

namespace herald::http {

struct WriteCursor {
  std::span<const boost::asio::const_buffer> buffers;
  std::size_t index = 0;    // the buffer being written
  std::size_t offset = 0;   // bytes of it already written
  std::size_t written = 0;  // bytes of the whole write

  void start(std::span<const boost::asio::const_buffer> to_write) {
    buffers = to_write;
    index = offset = written = 0;
  }
  bool done() const { return index == buffers.size(); }

  // `n` more bytes went out; empty buffers are stepped over.
  void advance(std::size_t n) {
    written += n;
    while (n > 0) {
      const std::size_t take = std::min(buffers[index].size() - offset, n);
      n -= take;
      offset += take;
      if (offset == buffers[index].size()) {
        ++index;
        offset = 0;
      }
    }
    while (index < buffers.size() && buffers[index].size() == 0)
      ++index;
  }
};

}  // namespace herald::http
